using DicomWeb.Storage.Ingest;
using DicomWeb.Dicom;
using DicomWeb.Dicom.Tests;
using DicomWeb.Storage.Retrieval;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DicomWeb.Storage.Tests;

/// <summary>Read-side queries: finding instances by study, series and instance, and locating bulk data in stored files.</summary>
public sealed class RetrievalTests
{
    private const string Ct = "native/ct_explicit_le.dcm";
    private const string Jpeg = "jpeg-baseline/ct_8bit.dcm";
    private const string Mr = "native/mr_implicit_le.dcm";

    [Fact]
    public async Task Instances_are_found_by_study_series_and_instance_with_their_blobs_and_frames()
    {
        await using var storage = await StorageHarness.StartAsync();
        foreach (var path in new[] { Ct, Jpeg, Mr }) Assert.True((await storage.StoreFileAsync(TestData.PathOf(path))).Stored);
        var catalog = Catalog(storage);
        var (study, series, sop) = Uids(Ct);

        var byStudy = await catalog.FindAsync(study, null, null);
        Assert.True(byStudy.Found);
        Assert.Equal(new[] { Uids(Ct).Sop, Uids(Jpeg).Sop }.Order(), byStudy.Instances.Select(i => i.SopInstanceUid).Order());
        Assert.Equal(2, (await catalog.FindAsync(study, series, null)).Instances.Count);

        var one = Assert.Single((await catalog.FindAsync(study, series, sop)).Instances);
        Assert.Equal(ContentHash.Of(File.ReadAllBytes(TestData.PathOf(Ct))), one.ContentHash);
        Assert.Equal("1.2.840.10008.1.2.1", one.TransferSyntaxUid);
        Assert.Equal(DateTimeKind.Utc, one.StoredAt.Kind);
        Assert.NotNull(one.Frames);
        await using var blob = await storage.Blobs.OpenReadAsync(one.BlobKey);
        Assert.Equal(one.Size, blob!.Length);
    }

    [Fact]
    public async Task A_miss_names_the_first_level_that_is_not_stored()
    {
        await using var storage = await StorageHarness.StartAsync();
        Assert.True((await storage.StoreFileAsync(TestData.PathOf(Ct))).Stored);
        Assert.True((await storage.StoreFileAsync(TestData.PathOf(Mr))).Stored);
        var catalog = Catalog(storage);
        var (study, series, _) = Uids(Ct);
        var (_, mrSeries, mrSop) = Uids(Mr);

        Assert.Equal(ResourceLevel.Study, (await catalog.FindAsync("1.2.3", null, null)).Missing);
        Assert.Equal(ResourceLevel.Series, (await catalog.FindAsync(study, "1.2.3", null)).Missing);
        // A series of another study is not in this one.
        Assert.Equal(ResourceLevel.Series, (await catalog.FindAsync(study, mrSeries, null)).Missing);
        var instance = await catalog.FindAsync(study, series, mrSop);
        Assert.Equal(ResourceLevel.Instance, instance.Missing);
        Assert.Contains(mrSop, instance.Reason);
        Assert.Empty(instance.Instances);
    }

    [Fact]
    public async Task Bulk_data_is_located_at_the_offsets_the_parser_reports()
    {
        var path = TestData.PathOf(Ct);
        var reference = DicomFile.Open(path).Dataset.Get(DicomTags.PixelData)!;
        Assert.True(BulkDataPath.TryParse("7FE00010", out var pixelPath, out _));
        await using var stream = File.OpenRead(path);

        var located = Assert.IsType<BulkDataInFile>(BulkDataLocator.Locate(stream, pixelPath));

        Assert.Equal(reference.ValueOffset, located.Offset);
        Assert.Equal(512 * 512 * 2, located.ValueLength);
        Assert.Equal(0, located.SwapUnit);
    }

    [Fact]
    public async Task Big_endian_values_carry_their_swap_unit_and_encapsulated_pixel_data_its_fragments()
    {
        Assert.True(BulkDataPath.TryParse("7FE00010", out var pixelPath, out _));
        await using (var bigEndian = File.OpenRead(TestData.PathOf("native/palette16_be.dcm")))
            Assert.Equal(2, Assert.IsType<BulkDataInFile>(BulkDataLocator.Locate(bigEndian, pixelPath)).SwapUnit);
        await using (var jpeg = File.OpenRead(TestData.PathOf(Jpeg)))
            Assert.NotEmpty(Assert.IsType<BulkDataFragments>(BulkDataLocator.Locate(jpeg, pixelPath)).Sequence.Fragments);
        await using (var ct = File.OpenRead(TestData.PathOf(Ct)))
        {
            Assert.True(BulkDataPath.TryParse("00100010", out var name, out _));
            Assert.Null(BulkDataLocator.Locate(ct, name));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("7FE0001")]
    [InlineData("7FE00010/0")]
    [InlineData("00540016/x/00181078")]
    [InlineData("00540016/-1/00181078")]
    [InlineData("GGGG0010")]
    public void Malformed_paths_are_refused_with_a_reason(string text)
    {
        Assert.False(BulkDataPath.TryParse(text, out _, out var reason));
        Assert.NotEmpty(reason);
    }

    [Fact]
    public void Nested_paths_parse_into_steps()
    {
        Assert.True(BulkDataPath.TryParse("00540016/2/00181078", out var path, out _));
        Assert.Equal([new DicomPathStep(new DicomTag(0x0054, 0x0016), 2)], path.Steps);
        Assert.Equal(new DicomTag(0x0018, 0x1078), path.Tag);
        Assert.False(path.IsTopLevelPixelData);
    }

    [Fact]
    public async Task Rows_of_single_instances_are_cached_until_forgotten_and_only_for_the_URL_that_names_them()
    {
        await using var storage = await StorageHarness.StartAsync();
        Assert.True((await storage.StoreFileAsync(TestData.PathOf(Ct))).Stored);
        var catalog = Catalog(storage);
        var (study, series, sop) = Uids(Ct);
        Assert.False(catalog.TryGetCached(study, series, sop, out _));

        // Study and series lookups read the index only.
        await catalog.FindAsync(study, null, null);
        await catalog.FindAsync(study, series, null);
        Assert.False(catalog.TryGetCached(study, series, sop, out _));

        var found = Assert.Single((await catalog.FindAsync(study, series, sop)).Instances);
        Assert.True(catalog.TryGetCached(study, series, sop, out var cached));
        Assert.Equal(found, cached);
        // The cached row answers only a URL naming the instance's own study and series.
        Assert.False(catalog.TryGetCached(study, "1.2.3", sop, out _));
        Assert.False(catalog.TryGetCached("1.2.3", series, sop, out _));

        catalog.Forget(sop);
        Assert.False(catalog.TryGetCached(study, series, sop, out _));

        // A miss forgets a row that the index no longer has under that URL.
        await catalog.FindAsync(study, series, sop);
        Assert.Equal(ResourceLevel.Series, (await catalog.FindAsync(study, "1.2.3", sop)).Missing);
        Assert.False(catalog.TryGetCached(study, series, sop, out _));
    }

    [Fact]
    public async Task A_zero_cache_lifetime_keeps_nothing_and_a_full_cache_starts_again()
    {
        await using var storage = await StorageHarness.StartAsync();
        foreach (var path in new[] { Ct, Jpeg }) Assert.True((await storage.StoreFileAsync(TestData.PathOf(path))).Stored);
        var (study, series, sop) = Uids(Ct);
        var jpegSop = Uids(Jpeg).Sop;

        var off = Catalog(storage, new InstanceCatalogOptions { CacheLifetime = TimeSpan.Zero });
        Assert.True((await off.FindAsync(study, series, sop)).Found);
        Assert.False(off.TryGetCached(study, series, sop, out _));

        var small = Catalog(storage, new InstanceCatalogOptions { CacheCapacity = 1 });
        await small.FindAsync(study, series, sop);
        Assert.True(small.TryGetCached(study, series, sop, out _));
        await small.FindAsync(study, series, jpegSop);
        Assert.False(small.TryGetCached(study, series, sop, out _));
        Assert.False(small.TryGetCached(study, series, jpegSop, out _));
        await small.FindAsync(study, series, jpegSop);
        Assert.True(small.TryGetCached(study, series, jpegSop, out _));
    }

    private static InstanceCatalog Catalog(StorageHarness storage, InstanceCatalogOptions? options = null) =>
        new(new ServiceCollection().AddDbContextFactory<Index.DicomIndexContext>(b => StorageStartup.ConfigureDatabase(b, storage.Options))
            .BuildServiceProvider().GetRequiredService<IDbContextFactory<Index.DicomIndexContext>>(), options);

    private static (string Study, string Series, string Sop) Uids(string path)
    {
        var entry = TestData.Entry(path);
        return (entry.GetProperty("study_instance_uid").GetString()!, entry.GetProperty("series_instance_uid").GetString()!, entry.GetProperty("sop_instance_uid").GetString()!);
    }
}
