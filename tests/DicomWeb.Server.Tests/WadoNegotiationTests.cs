using System.IO.Compression;
using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using DicomWeb.Dicom;
using DicomWeb.Dicom.Tests;

namespace DicomWeb.Server.Tests;

/// <summary>A server holding a few instances chosen for negotiation cases.</summary>
public sealed class WadoNegotiationFixture : IAsyncLifetime
{
    internal const string Ct = "native/ct_explicit_le.dcm";
    internal const string Mr = "native/mr_implicit_le.dcm";
    internal const string Jpeg = "jpeg-baseline/ct_8bit.dcm";
    internal const string Jls = "multiframe/enhanced_mr_jls.dcm";
    internal const string Sr = "non-image/sr_enhanced_utf8.dcm";

    internal ServerHarness Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await ServerHarness.StartAsync();
        var body = new MultipartBody();
        foreach (var path in new[] { Ct, Mr, Jpeg, Jls, Sr }) body.Part(await File.ReadAllBytesAsync(TestData.PathOf(path)));
        var response = await Server.Client.PostAsync("/dicom-web/studies", body.Close().ToContent());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();

    internal static string Url(string path, string prefix = "/dicom-web")
    {
        var entry = TestData.Entry(path);
        return $"{prefix}/studies/{entry.GetProperty("study_instance_uid").GetString()}/series/{entry.GetProperty("series_instance_uid").GetString()}" +
               $"/instances/{entry.GetProperty("sop_instance_uid").GetString()}";
    }

    internal static string StudyUrl(string path) => $"/dicom-web/studies/{TestData.Entry(path).GetProperty("study_instance_uid").GetString()}";
}

/// <summary>WADO-RS negotiation, errors and conditional requests over real HTTP.</summary>
public sealed class WadoNegotiationTests(WadoNegotiationFixture fixture) : IClassFixture<WadoNegotiationFixture>
{
    private const string Explicit = "1.2.840.10008.1.2.1";
    private HttpClient Client => fixture.Server.Client;
    private static string CtUrl => WadoNegotiationFixture.Url(WadoNegotiationFixture.Ct);
    private static string JlsUrl => WadoNegotiationFixture.Url(WadoNegotiationFixture.Jls);

    [Theory]
    [InlineData("/dicom-web/studies/1.2.3.4", "Study not found")]
    [InlineData("/dicom-web/studies/1.2.840.113619.2.30.1.1762295590.1623.978668949.886/series/1.2.3.4", "Series not found")]
    [InlineData("/dicom-web/studies/1.2.840.113619.2.30.1.1762295590.1623.978668949.886/series/1.2.840.113619.2.30.1.1762295590.1623.978668949.890/instances/1.2.3.4", "Instance not found")]
    [InlineData("/dicom-web/studies/1.2.3.4/metadata", "Study not found")]
    [InlineData("/dicom-web/studies/1.2.840.113619.2.30.1.1762295590.1623.978668949.886/series/1.2.840.113619.2.30.1.1762295590.1623.978668949.890/instances/1.2.3.4/frames/1", "Instance not found")]
    public async Task Missing_resources_get_404_naming_the_level(string url, string title)
    {
        var response = await Client.GetAsync(url, null);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(title, problem.RootElement.GetProperty("title").GetString());
        Assert.Contains("1.2.3.4", problem.RootElement.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("/dicom-web/studies/not-a-uid")]
    [InlineData("/dicom-web/studies/1.2.3/series/1..2/metadata")]
    [InlineData("/dicom-web/studies/1.2.3/series/1.2/instances/1.2.x/frames/1")]
    public async Task Invalid_UIDs_get_400(string url) =>
        Assert.Equal(HttpStatusCode.BadRequest, (await Client.GetAsync(url, null)).StatusCode);

    [Theory]
    [InlineData("text/html")]
    [InlineData("image/jpeg")]
    [InlineData("multipart/related; type=\"application/dicom+xml\"")]
    [InlineData("application/dicom; q=0")]
    public async Task Media_types_that_do_not_fit_get_406(string accept) =>
        Assert.Equal(HttpStatusCode.NotAcceptable, (await Client.GetAsync(CtUrl, accept)).StatusCode);

    [Fact]
    public async Task Lossless_compressed_instance_needs_the_stored_syntax_or_a_wildcard()
    {
        var byDefault = await Client.GetAsync(JlsUrl, "multipart/related; type=\"application/dicom\"");
        Assert.Equal(HttpStatusCode.NotAcceptable, byDefault.StatusCode);
        Assert.Contains("transfer-syntax=*", await byDefault.Content.ReadAsStringAsync());

        foreach (var accept in new[] { "multipart/related; type=\"application/dicom\"; transfer-syntax=*", "multipart/related; type=application/dicom; transfer-syntax=1.2.840.10008.1.2.4.80" })
        {
            var response = await Client.GetAsync(JlsUrl, accept);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var part = Assert.Single(await WadoClient.ReadPartsAsync(response));
            Assert.Equal("application/dicom; transfer-syntax=1.2.840.10008.1.2.4.80", part.ContentType);
        }
        Assert.Equal(HttpStatusCode.NotAcceptable, (await Client.GetAsync(JlsUrl, "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.4.50")).StatusCode);
        Assert.Equal(HttpStatusCode.NotAcceptable, (await Client.GetAsync(JlsUrl, "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.3.4")).StatusCode);
    }

    [Fact]
    public async Task Lossy_compressed_instance_goes_out_as_stored_by_default()
    {
        var response = await Client.GetAsync(WadoNegotiationFixture.Url(WadoNegotiationFixture.Jpeg), null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var part = Assert.Single(await WadoClient.ReadPartsAsync(response));
        Assert.Equal("application/dicom; transfer-syntax=1.2.840.10008.1.2.4.50", part.ContentType);
        Assert.Equal(WadoClient.Sha256(File.ReadAllBytes(TestData.PathOf(WadoNegotiationFixture.Jpeg))), part.Sha256);
    }

    [Fact]
    public async Task Implicit_VR_instance_is_re_encoded_in_explicit_VR_little_endian_by_default()
    {
        var url = WadoNegotiationFixture.Url(WadoNegotiationFixture.Mr);
        var source = DicomFile.Open(TestData.PathOf(WadoNegotiationFixture.Mr));
        var expected = DicomJsonWriter.ToJson(source.Dataset);

        var response = await Client.GetAsync(url, "multipart/related; type=\"application/dicom\"");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var part = Assert.Single(await WadoClient.ReadPartsAsync(response));
        Assert.Equal($"application/dicom; transfer-syntax={Explicit}", part.ContentType);
        var received = DicomFile.Read(new MemoryStream(part.Body));
        Assert.Equal(Explicit, received.TransferSyntax.Uid);
        Assert.Equal(expected, DicomJsonWriter.ToJson(received.Dataset));

        var zip = await Client.GetAsync(url, "application/zip");
        using var archive = new ZipArchive(new MemoryStream(await zip.Content.ReadAsByteArrayAsync()));
        await using var entry = await Assert.Single(archive.Entries).OpenAsync();
        Assert.Equal(Explicit, DicomFile.Read(entry).TransferSyntax.Uid);

        var asStored = await Client.GetAsync(url, "application/dicom; transfer-syntax=1.2.840.10008.1.2");
        Assert.Equal(WadoClient.Sha256(File.ReadAllBytes(TestData.PathOf(WadoNegotiationFixture.Mr))), WadoClient.Sha256(await asStored.Content.ReadAsByteArrayAsync()));
    }

    [Theory]
    [InlineData("application/zip; q=0.4, multipart/related; type=\"application/dicom\"; q=0.9", "multipart/related")]
    [InlineData("multipart/related; type=application/dicom; q=0.1, application/zip", "application/zip")]
    [InlineData("text/html, application/zip;q=0.2", "application/zip")]
    [InlineData("*/*", "multipart/related")]
    [InlineData("multipart/related; type=\"application/dicom\"", "multipart/related")]
    [InlineData("application/dicom", "application/dicom")]
    public async Task Q_values_and_parameters_pick_the_representation(string accept, string mediaType)
    {
        var response = await Client.GetAsync(CtUrl, accept);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Study_goes_out_per_instance_in_acceptable_syntaxes_or_not_at_all()
    {
        var study = WadoNegotiationFixture.StudyUrl(WadoNegotiationFixture.Ct);
        var response = await Client.GetAsync(study, "multipart/related; type=\"application/dicom\"");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var parts = await WadoClient.ReadPartsAsync(response);
        Assert.Equal(["application/dicom; transfer-syntax=1.2.840.10008.1.2.1", "application/dicom; transfer-syntax=1.2.840.10008.1.2.4.50"], parts.Select(p => p.ContentType!).Order());

        Assert.Equal(HttpStatusCode.NotAcceptable, (await Client.GetAsync(study, "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.4.50")).StatusCode);
        Assert.Equal(HttpStatusCode.NotAcceptable, (await Client.GetAsync(study, "application/dicom")).StatusCode);
    }

    [Fact]
    public async Task Conditional_requests_get_304_and_validators_differ_per_representation()
    {
        var first = await Client.GetAsync(CtUrl, "application/dicom");
        var etag = first.Headers.ETag!.Tag;
        Assert.True(first.Headers.CacheControl!.Private);
        Assert.Equal(TimeSpan.FromHours(1), first.Headers.CacheControl.MaxAge);
        var lastModified = first.Content.Headers.LastModified!.Value;

        var byTag = await Client.GetAsync(CtUrl, "application/dicom", ("If-None-Match", etag));
        Assert.Equal(HttpStatusCode.NotModified, byTag.StatusCode);
        Assert.Empty(await byTag.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotModified, (await Client.GetAsync(CtUrl, "application/dicom", ("If-None-Match", "\"other\", W/" + etag))).StatusCode);
        Assert.Equal(HttpStatusCode.NotModified, (await Client.GetAsync(CtUrl, "application/dicom", ("If-Modified-Since", lastModified.ToString("R")))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync(CtUrl, "application/dicom", ("If-None-Match", "\"other\""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync(CtUrl, "application/dicom", ("If-Modified-Since", lastModified.AddHours(-1).ToString("R")))).StatusCode);

        var multipart = await Client.GetAsync(CtUrl, "multipart/related; type=\"application/dicom\"");
        Assert.NotEqual(etag, multipart.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync(CtUrl, "multipart/related; type=\"application/dicom\"", ("If-None-Match", etag))).StatusCode);
        var again = await Client.GetAsync(CtUrl, "multipart/related; type=\"application/dicom\"");
        Assert.Equal(await multipart.Content.ReadAsByteArrayAsync(), await again.Content.ReadAsByteArrayAsync());

        var study = WadoNegotiationFixture.StudyUrl(WadoNegotiationFixture.Ct);
        var studyResponse = await Client.GetAsync(study, null);
        Assert.True(studyResponse.Headers.CacheControl!.NoCache);
        var zip = await Client.GetAsync(study, "application/zip");
        Assert.NotEqual(studyResponse.Headers.ETag!.Tag, zip.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.NotModified, (await Client.GetAsync(study, "application/zip", ("If-None-Match", zip.Headers.ETag!.Tag))).StatusCode);
        var metadata = await Client.GetAsync(study + "/metadata", null);
        Assert.Equal(HttpStatusCode.NotModified, (await Client.GetAsync(study + "/metadata", null, ("If-None-Match", metadata.Headers.ETag!.Tag))).StatusCode);
    }

    [Fact]
    public async Task Compressed_frames_go_out_in_their_own_media_type_when_accepted()
    {
        var url = JlsUrl + "/frames/2,1";
        Assert.Equal(HttpStatusCode.NotAcceptable, (await Client.GetAsync(url, "multipart/related; type=\"application/octet-stream\"")).StatusCode);
        Assert.Equal(HttpStatusCode.NotAcceptable, (await Client.GetAsync(url, null)).StatusCode);

        var response = await Client.GetAsync(url, "multipart/related; type=image/jls");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jls", response.Content.Headers.ContentType.Parameter("type"));
        var parts = await WadoClient.ReadPartsAsync(response);
        Assert.Equal(2, parts.Count);
        Assert.All(parts, p => Assert.Equal("image/jls; transfer-syntax=1.2.840.10008.1.2.4.80", p.ContentType));
        Assert.Equal([0xFF, 0xD8], parts[0].Body[..2]);

        var single = await Client.GetAsync(JlsUrl + "/frames/2", "image/jls");
        Assert.Equal(HttpStatusCode.OK, single.StatusCode);
        Assert.Equal("image/jls", single.Content.Headers.ContentType!.MediaType);
        Assert.Equal(parts[0].Body, await single.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotAcceptable, (await Client.GetAsync(url, "image/jls")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync(url, "multipart/related; type=\"image/jls\"; transfer-syntax=*")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync(url, "text/html, multipart/related; transfer-syntax=*; q=0.5")).StatusCode);
    }

    [Fact]
    public async Task Native_frames_go_out_as_octet_stream_only()
    {
        var url = CtUrl + "/frames/1";
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync(url, null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync(url, "application/octet-stream")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync(url, "multipart/related; type=\"application/octet-stream\"; transfer-syntax=1.2.840.10008.1.2.1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotAcceptable, (await Client.GetAsync(url, "multipart/related; type=\"image/jpeg\"")).StatusCode);
        Assert.Equal(HttpStatusCode.NotAcceptable, (await Client.GetAsync(url, "multipart/related; type=\"application/octet-stream\"; transfer-syntax=1.2.840.10008.1.2.4.50")).StatusCode);
    }

    [Theory]
    [InlineData("/frames/0", HttpStatusCode.BadRequest)]
    [InlineData("/frames/1,x", HttpStatusCode.BadRequest)]
    [InlineData("/frames/-1", HttpStatusCode.BadRequest)]
    [InlineData("/frames/11", HttpStatusCode.NotFound)]
    [InlineData("/frames/1,2,99", HttpStatusCode.NotFound)]
    [InlineData("/bulk/zz", HttpStatusCode.BadRequest)]
    [InlineData("/bulk/00100010/0", HttpStatusCode.BadRequest)]
    [InlineData("/bulk/00100010", HttpStatusCode.NotFound)]
    [InlineData("/bulk/00540016/7/00181078", HttpStatusCode.NotFound)]
    public async Task Bad_frame_lists_and_bulk_paths_get_400_or_404(string suffix, HttpStatusCode status)
    {
        var response = await Client.GetAsync(JlsUrl + suffix, "multipart/related; transfer-syntax=*");
        Assert.Equal(status, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task Instance_without_pixel_data_has_no_frames()
    {
        var response = await Client.GetAsync(WadoNegotiationFixture.Url(WadoNegotiationFixture.Sr) + "/frames/1", null);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no frames", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Bulk_data_ranges_out_of_bounds_get_416_and_multipart_ignores_range()
    {
        var url = CtUrl + "/bulk/7FE00010";
        var unsatisfiable = await Client.GetAsync(url, "application/octet-stream", ("Range", "bytes=600000-"));
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, unsatisfiable.StatusCode);
        Assert.Equal("bytes */524288", unsatisfiable.Content.Headers.ContentRange!.ToString());

        var suffix = await Client.GetAsync(url, null, ("Range", "bytes=-100"));
        Assert.Equal(HttpStatusCode.PartialContent, suffix.StatusCode);
        Assert.Equal("bytes 524188-524287/524288", suffix.Content.Headers.ContentRange!.ToString());

        var staleIfRange = await Client.GetAsync(url, null, ("Range", "bytes=0-9"), ("If-Range", "\"stale\""));
        Assert.Equal(HttpStatusCode.OK, staleIfRange.StatusCode);
        Assert.Equal(524288, (await staleIfRange.Content.ReadAsByteArrayAsync()).Length);

        var multipart = await Client.GetAsync(url, "multipart/related; type=\"application/octet-stream\"", ("Range", "bytes=0-9"));
        Assert.Equal(HttpStatusCode.OK, multipart.StatusCode);
        Assert.Equal(524288, Assert.Single(await WadoClient.ReadPartsAsync(multipart)).Body.Length);
        Assert.Equal(HttpStatusCode.NotAcceptable, (await Client.GetAsync(url, "image/jpeg")).StatusCode);
    }

    [Fact]
    public async Task Metadata_is_gzipped_on_request()
    {
        var url = WadoNegotiationFixture.StudyUrl(WadoNegotiationFixture.Ct) + "/metadata";
        var plain = await (await Client.GetAsync(url, null)).Content.ReadAsByteArrayAsync();

        var compressed = await Client.GetAsync(url, "application/dicom+json", ("Accept-Encoding", "br;q=0.5, gzip"));
        Assert.Equal("gzip", Assert.Single(compressed.Content.Headers.ContentEncoding));
        await using var gzip = new GZipStream(await compressed.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        var inflated = new MemoryStream();
        await gzip.CopyToAsync(inflated);
        Assert.Equal(plain, inflated.ToArray());

        var refused = await Client.GetAsync(url, null, ("Accept-Encoding", "gzip;q=0"));
        Assert.Empty(refused.Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task Metadata_as_XML_has_one_part_per_instance_with_absolute_bulk_data_uris()
    {
        var study = WadoNegotiationFixture.StudyUrl(WadoNegotiationFixture.Ct);
        var response = await Client.GetAsync(study + "/metadata", "multipart/related; type=\"application/dicom+xml\"");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var parts = await WadoClient.ReadPartsAsync(response);
        Assert.Equal(2, parts.Count);
        XNamespace ns = "http://dicom.nema.org/PS3.19/models/NativeDICOM";
        var uris = parts.SelectMany(p => XDocument.Parse(System.Text.Encoding.UTF8.GetString(p.Body)).Descendants(ns + "BulkData"))
            .Select(e => (string)e.Attribute("uri")!).ToList();
        Assert.NotEmpty(uris);
        Assert.All(uris, u => Assert.StartsWith(Client.BaseAddress + "dicom-web/studies/", u));

        var single = await Client.GetAsync(CtUrl + "/metadata", "application/dicom+xml");
        Assert.Equal(HttpStatusCode.OK, single.StatusCode);
        Assert.Equal("NativeDicomModel", XDocument.Parse(await single.Content.ReadAsStringAsync()).Root!.Name.LocalName);
        Assert.Equal(HttpStatusCode.NotAcceptable, (await Client.GetAsync(study + "/metadata", "application/dicom+xml")).StatusCode);
        Assert.Equal(HttpStatusCode.NotAcceptable, (await Client.GetAsync(study + "/metadata", "application/dicom")).StatusCode);
    }

    [Fact]
    public async Task Alias_and_accept_query_parameter_work()
    {
        var alias = await Client.GetAsync(WadoNegotiationFixture.Url(WadoNegotiationFixture.Ct, "/wadors") + "/metadata", null);
        Assert.Equal(HttpStatusCode.OK, alias.StatusCode);
        var zip = await Client.GetAsync(CtUrl + "?accept=application%2Fzip", "multipart/related; type=\"application/dicom\"");
        Assert.Equal("application/zip", zip.Content.Headers.ContentType!.MediaType);
        var json = await Client.GetAsync(CtUrl + "/metadata?accept=application/dicom+json", null);
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
    }
}
