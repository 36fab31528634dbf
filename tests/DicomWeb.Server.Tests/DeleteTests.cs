using System.Net;
using System.Text.Json;
using DicomWeb.Dicom.Tests;
using DicomWeb.Storage.Index;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DicomWeb.Server.Tests;

/// <summary>DELETE of studies, series and instances over real HTTP against the real index and blob files.</summary>
public sealed class DeleteTests
{
    // Study A: series S1 holds two instances, S2 and S3 one each. Study B: one series with two instances.
    private const string SegA1 = "pixel/seg_1bit.dcm";
    private const string SegA2 = "pixel/seg_1bit_nonbyte_aligned.dcm";
    private const string SegJ2k = "jpeg2000/seg_1bit_j2k.dcm";
    private const string SegRle = "rle/seg_1bit_nonbyte_aligned.dcm";
    private const string Ct8 = "jpeg-baseline/ct_8bit.dcm";
    private const string Ct12 = "jpeg-extended/ct_12bit.dcm";
    private static readonly string[] Seeded = [SegA1, SegA2, SegJ2k, SegRle, Ct8, Ct12];

    private sealed record Uids(string Study, string Series, string Sop);

    private static Uids Of(string path)
    {
        var entry = TestData.Entry(path);
        return new Uids(entry.GetProperty("study_instance_uid").GetString()!, entry.GetProperty("series_instance_uid").GetString()!,
            entry.GetProperty("sop_instance_uid").GetString()!);
    }

    private static string InstanceUrl(Uids u) => $"/dicom-web/studies/{u.Study}/series/{u.Series}/instances/{u.Sop}";

    private static async Task<ServerHarness> SeededServerAsync(params string[] settings)
    {
        var server = await ServerHarness.StartAsync(settings);
        await SeedAsync(server.Client, null);
        return server;
    }

    private static async Task SeedAsync(HttpClient client, string? token)
    {
        var body = new MultipartBody();
        foreach (var path in Seeded) body.Part(await File.ReadAllBytesAsync(TestData.PathOf(path)));
        var request = AuthTokens.Request(HttpMethod.Post, "/dicom-web/studies", token);
        request.Content = body.Close().ToContent();
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static Task<HttpResponseMessage> DeleteAsync(HttpClient client, string path, string? token = null) =>
        client.SendAsync(AuthTokens.Request(HttpMethod.Delete, path, token));

    private static async Task<HttpStatusCode> RetrieveStatusAsync(HttpClient client, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        // A single part is only acceptable for one instance; studies and series come as multipart.
        request.Headers.TryAddWithoutValidation("Accept", path.Contains("/instances/")
            ? "application/dicom; transfer-syntax=*"
            : "multipart/related; type=\"application/dicom\"; transfer-syntax=*");
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>The values of <paramref name="tag"/> in a QIDO-RS JSON answer.</summary>
    private static async Task<HashSet<string>> SearchAsync(HttpClient client, string path, string tag)
    {
        using var response = await client.GetAsync(path);
        if (response.StatusCode == HttpStatusCode.NoContent) return [];
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.EnumerateArray().Select(d => d.GetProperty(tag).GetProperty("Value")[0].GetString()!).ToHashSet();
    }

    private static Task<HashSet<string>> SearchInstancesAsync(HttpClient client) => SearchAsync(client, "/dicom-web/instances", "00080018");

    private static async Task<T> IndexAsync<T>(ServerHarness server, Func<DicomIndexContext, Task<T>> query)
    {
        await using var db = await server.Services.GetRequiredService<IDbContextFactory<DicomIndexContext>>().CreateDbContextAsync();
        return await query(db);
    }

    private static Task<InstanceRecord?> RowAsync(ServerHarness server, string sop) =>
        IndexAsync(server, db => db.Instances.SingleOrDefaultAsync(i => i.SopInstanceUid == sop));

    private static string BlobPath(ServerHarness server, string key) => Path.Combine(server.DataPath, "blobs", key);

    [Fact]
    public async Task Deleting_an_instance_removes_its_row_and_its_two_blobs_and_nothing_else()
    {
        await using var server = await SeededServerAsync();
        var target = Of(SegA1);
        var row = (await RowAsync(server, target.Sop))!;
        var before = server.BlobFiles();
        Assert.Equal(Seeded.Length * 2, before.Length);

        var response = await DeleteAsync(server.Client, InstanceUrl(target));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Null(await RowAsync(server, target.Sop));
        Assert.Equal(before.Except([BlobPath(server, row.BlobKey), BlobPath(server, row.MetadataKey)]).Order(), server.BlobFiles());
        Assert.Equal(HttpStatusCode.NotFound, await RetrieveStatusAsync(server.Client, InstanceUrl(target)));
        var others = Seeded.Where(p => p != SegA1).Select(Of).ToList();
        foreach (var other in others)
            Assert.Equal(HttpStatusCode.OK, await RetrieveStatusAsync(server.Client, InstanceUrl(other)));
        Assert.Equal(others.Select(o => o.Sop).ToHashSet(), await SearchInstancesAsync(server.Client));
        // The series still holds its other instance, so it stays.
        Assert.Contains(target.Series, await SearchAsync(server.Client, $"/dicom-web/studies/{target.Study}/series", "0020000E"));
    }

    [Fact]
    public async Task Deleting_a_series_removes_all_its_instances_from_index_blobs_WADO_and_QIDO_at_once()
    {
        await using var server = await SeededServerAsync();
        var series = Of(SegA1);
        var inSeries = new[] { SegA1, SegA2 }.Select(Of).ToList();
        Assert.All(inSeries, u => Assert.Equal(series.Series, u.Series));

        var response = await DeleteAsync(server.Client, $"/dicom-web/studies/{series.Study}/series/{series.Series}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, await RetrieveStatusAsync(server.Client, $"/dicom-web/studies/{series.Study}/series/{series.Series}"));
        foreach (var gone in inSeries)
        {
            Assert.Equal(HttpStatusCode.NotFound, await RetrieveStatusAsync(server.Client, InstanceUrl(gone)));
            Assert.Null(await RowAsync(server, gone.Sop));
        }
        var remaining = Seeded.Except([SegA1, SegA2]).Select(Of).ToList();
        Assert.Equal(remaining.Select(r => r.Sop).ToHashSet(), await SearchInstancesAsync(server.Client));
        var seriesLeft = await SearchAsync(server.Client, $"/dicom-web/studies/{series.Study}/series", "0020000E");
        Assert.DoesNotContain(series.Series, seriesLeft);
        Assert.Equal(2, seriesLeft.Count);
        Assert.Contains(series.Study, await SearchAsync(server.Client, "/dicom-web/studies", "0020000D"));
        Assert.Equal(remaining.Count * 2, server.BlobFiles().Length);
        Assert.False(await IndexAsync(server, db => db.Series.AnyAsync(s => s.SeriesInstanceUid == series.Series)));
    }

    [Fact]
    public async Task Deleting_a_study_removes_its_series_instances_blobs_and_the_patient_left_without_studies()
    {
        await using var server = await SeededServerAsync();
        var ct = Of(Ct8);
        var seg = Of(SegA1);
        var patients = await IndexAsync(server, db => db.Patients.CountAsync());
        var ctPatient = await IndexAsync(server, db => db.Studies.Where(s => s.StudyInstanceUid == ct.Study).Select(s => s.PatientRecordId).SingleAsync());
        var segPatient = await IndexAsync(server, db => db.Studies.Where(s => s.StudyInstanceUid == seg.Study).Select(s => s.PatientRecordId).SingleAsync());
        Assert.NotEqual(ctPatient, segPatient);

        var response = await DeleteAsync(server.Client, $"/dicom-web/studies/{ct.Study}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, await RetrieveStatusAsync(server.Client, $"/dicom-web/studies/{ct.Study}"));
        Assert.Equal(HttpStatusCode.NotFound, await RetrieveStatusAsync(server.Client, InstanceUrl(Of(Ct12))));
        Assert.Equal(HttpStatusCode.OK, await RetrieveStatusAsync(server.Client, $"/dicom-web/studies/{seg.Study}"));
        Assert.Equal(new HashSet<string> { seg.Study }, await SearchAsync(server.Client, "/dicom-web/studies", "0020000D"));
        Assert.Equal(new[] { SegA1, SegA2, SegJ2k, SegRle }.Select(p => Of(p).Sop).ToHashSet(), await SearchInstancesAsync(server.Client));
        Assert.Equal(8, server.BlobFiles().Length);
        Assert.False(await IndexAsync(server, db => db.Studies.AnyAsync(s => s.StudyInstanceUid == ct.Study)));
        Assert.False(await IndexAsync(server, db => db.Series.AnyAsync(s => s.SeriesInstanceUid == ct.Series)));
        Assert.False(await IndexAsync(server, db => db.Patients.AnyAsync(p => p.Id == ctPatient)));
        Assert.Equal(patients - 1, await IndexAsync(server, db => db.Patients.CountAsync()));

        Assert.Equal(HttpStatusCode.NotFound, (await DeleteAsync(server.Client, $"/dicom-web/studies/{ct.Study}")).StatusCode);
    }

    [Fact]
    public async Task Deleting_the_last_instance_of_a_series_removes_the_series_but_keeps_the_study()
    {
        await using var server = await SeededServerAsync();
        var lone = Of(SegJ2k);
        Assert.Contains(lone.Series, await SearchAsync(server.Client, $"/dicom-web/studies/{lone.Study}/series", "0020000E"));

        var response = await DeleteAsync(server.Client, InstanceUrl(lone));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.DoesNotContain(lone.Series, await SearchAsync(server.Client, $"/dicom-web/studies/{lone.Study}/series", "0020000E"));
        Assert.DoesNotContain(lone.Series, await SearchAsync(server.Client, "/dicom-web/series", "0020000E"));
        Assert.False(await IndexAsync(server, db => db.Series.AnyAsync(s => s.SeriesInstanceUid == lone.Series)));
        Assert.Contains(lone.Study, await SearchAsync(server.Client, "/dicom-web/studies", "0020000D"));
    }

    [Fact]
    public async Task Unknown_study_series_or_instance_is_404_naming_what_is_missing_and_deletes_nothing()
    {
        await using var server = await SeededServerAsync();
        var seg = Of(SegA1);
        var ct = Of(Ct8);
        var before = server.BlobFiles();
        var cases = new (string Path, string Missing)[]
        {
            ("/dicom-web/studies/1.2.3.4.5", "study 1.2.3.4.5"),
            ($"/dicom-web/studies/{seg.Study}/series/1.2.3.4.5", "series 1.2.3.4.5"),
            ($"/dicom-web/studies/{seg.Study}/series/{seg.Series}/instances/1.2.3.4.5", "instance 1.2.3.4.5"),
            // Real UIDs in the wrong place: the series belongs to another study, the instance to another series.
            ($"/dicom-web/studies/{seg.Study}/series/{ct.Series}", $"series {ct.Series}"),
            ($"/dicom-web/studies/{seg.Study}/series/{seg.Series}/instances/{Of(SegJ2k).Sop}", $"instance {Of(SegJ2k).Sop}"),
        };

        foreach (var (path, missing) in cases)
        {
            var response = await DeleteAsync(server.Client, path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains($"{missing} not found", await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(before, server.BlobFiles());
        Assert.Equal(Seeded.Length, await IndexAsync(server, db => db.Instances.CountAsync()));
    }

    [Theory]
    [InlineData("/dicom-web/studies/not-a-uid", "Study Instance UID")]
    [InlineData("/dicom-web/studies/1.2.3/series/1..2", "Series Instance UID")]
    [InlineData("/dicom-web/studies/1.2.3/series/1.2.4/instances/1.2.x", "SOP Instance UID")]
    public async Task Invalid_UID_is_400_naming_the_attribute(string path, string attribute)
    {
        await using var server = await ServerHarness.StartAsync();

        var response = await DeleteAsync(server.Client, path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"{attribute} ", await response.Content.ReadAsStringAsync());
        Assert.Contains("is not a valid UID", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task With_authentication_on_delete_needs_the_write_scope()
    {
        await using var server = await ServerHarness.StartAsync(AuthTokens.SymmetricSettings());
        await SeedAsync(server.Client, AuthTokens.Create(AuthTokens.WriteScope));
        var target = Of(Ct8);

        var readOnly = await DeleteAsync(server.Client, InstanceUrl(target), AuthTokens.Create(AuthTokens.ReadScope));
        var anonymous = await DeleteAsync(server.Client, InstanceUrl(target));

        Assert.Equal(HttpStatusCode.Forbidden, readOnly.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.NotNull(await RowAsync(server, target.Sop));
        Assert.Equal(Seeded.Length * 2, server.BlobFiles().Length);

        var writer = await DeleteAsync(server.Client, InstanceUrl(target), AuthTokens.Create(AuthTokens.WriteScope));

        Assert.Equal(HttpStatusCode.NoContent, writer.StatusCode);
        Assert.Null(await RowAsync(server, target.Sop));
    }
}
