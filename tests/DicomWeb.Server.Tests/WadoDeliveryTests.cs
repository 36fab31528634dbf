using System.Net;
using DicomWeb.Dicom;
using DicomWeb.Dicom.Tests;

namespace DicomWeb.Server.Tests;

/// <summary>
/// How instances go out (Content-Length instead of chunked encoding when the size is known) and that the server's cache of
/// instance locations never outlives a delete or a replacing store, in this server or in another sharing its store.
/// </summary>
public sealed class WadoDeliveryTests
{
    // Same study and series: a native CT and a JPEG one.
    private const string Ct = "native/ct_explicit_le.dcm";
    private const string Jpeg = "jpeg-baseline/ct_8bit.dcm";
    private const string Mr = "native/mr_implicit_le.dcm";
    private const string AsStored = "transfer-syntax=*";
    private const string MultipartDicom = "multipart/related; type=\"application/dicom\"; " + AsStored;

    private static (string Study, string Series, string Sop) Uids(string path)
    {
        var entry = TestData.Entry(path);
        return (entry.GetProperty("study_instance_uid").GetString()!, entry.GetProperty("series_instance_uid").GetString()!,
            entry.GetProperty("sop_instance_uid").GetString()!);
    }

    private static string InstanceUrl(string path)
    {
        var (study, series, sop) = Uids(path);
        return $"/dicom-web/studies/{study}/series/{series}/instances/{sop}";
    }

    private static string Sha256Of(string path) => TestData.Entry(path).GetProperty("sha256").GetString()!;

    private static async Task StoreAsync(HttpClient client, params byte[][] files)
    {
        var body = new MultipartBody();
        foreach (var file in files) body.Part(file);
        var response = await client.PostAsync("/dicom-web/studies", body.Close().ToContent());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static Task StoreAsync(HttpClient client, params string[] paths) =>
        StoreAsync(client, paths.Select(p => File.ReadAllBytes(TestData.PathOf(p))).ToArray());

    /// <summary>A GET whose Content-Length is the header as sent (a buffered response would report the length it counted).</summary>
    private static Task<HttpResponseMessage> GetHeadersFirstAsync(HttpClient client, string url, string accept)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Accept", accept);
        return client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    /// <summary>The body, asserting that its length is the Content-Length the response announced and that it was not chunked.</summary>
    private static async Task<byte[]> KnownLengthBodyAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
        var announced = response.Content.Headers.ContentLength;
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(body.Length, announced);
        return body;
    }

    /// <summary>The stored bytes of an instance, fetched as a single part.</summary>
    private static async Task<(HttpStatusCode Status, byte[] Body, string? ETag)> FetchAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(InstanceUrl(path), "application/dicom; " + AsStored);
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync(), response.Headers.ETag?.Tag);
    }

    /// <summary>A corpus file with one attribute changed: same UIDs, other bytes.</summary>
    private static byte[] Altered(string path, string seriesDescription)
    {
        var file = DicomFile.Open(TestData.PathOf(path), new DicomReaderOptions { BulkDataThreshold = long.MaxValue });
        file.Dataset.SetStrings(DicomTags.SeriesDescription, DicomVR.LO, seriesDescription);
        using var stream = new MemoryStream();
        DicomFileWriter.Write(stream, file);
        return stream.ToArray();
    }

    [Fact]
    public async Task An_instance_as_stored_has_a_Content_Length_equal_to_the_bytes_sent_single_part_and_multipart()
    {
        await using var server = await ServerHarness.StartAsync();
        await StoreAsync(server.Client, Ct);

        var single = await KnownLengthBodyAsync(await GetHeadersFirstAsync(server.Client, InstanceUrl(Ct), "application/dicom; " + AsStored));
        Assert.Equal(Sha256Of(Ct), WadoClient.Sha256(single));

        var response = await GetHeadersFirstAsync(server.Client, InstanceUrl(Ct), MultipartDicom);
        var body = await KnownLengthBodyAsync(response);
        Assert.True(body.Length > single.Length);
        var part = Assert.Single(await WadoClient.ReadPartsAsync(response));
        Assert.Equal(Sha256Of(Ct), part.Sha256);
        Assert.Equal("application/dicom; transfer-syntax=1.2.840.10008.1.2.1", part.ContentType);
        Assert.EndsWith(InstanceUrl(Ct), part.ContentLocation);
    }

    [Fact]
    public async Task A_series_and_a_study_as_stored_have_a_Content_Length_equal_to_the_bytes_sent()
    {
        await using var server = await ServerHarness.StartAsync();
        await StoreAsync(server.Client, Ct, Jpeg);
        var (study, series, _) = Uids(Ct);

        foreach (var url in new[] { $"/dicom-web/studies/{study}/series/{series}", $"/dicom-web/studies/{study}" })
        {
            var response = await GetHeadersFirstAsync(server.Client, url, MultipartDicom);
            await KnownLengthBodyAsync(response);
            var parts = await WadoClient.ReadPartsAsync(response);
            Assert.Equal(new[] { Sha256Of(Ct), Sha256Of(Jpeg) }.Order(), parts.Select(p => p.Sha256).Order());
            Assert.All(parts, p => Assert.Contains("/instances/", p.ContentLocation));
        }
    }

    [Fact]
    public async Task A_re_encoded_instance_is_streamed_without_a_length_known_ahead()
    {
        await using var server = await ServerHarness.StartAsync();
        await StoreAsync(server.Client, Mr);

        // Stored implicit VR: by default it goes out re-encoded in explicit VR, whose length is only known once written.
        using var response = await GetHeadersFirstAsync(server.Client, InstanceUrl(Mr), "application/dicom");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Content.Headers.ContentLength);
        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.Equal("1.2.840.10008.1.2.1", response.Content.Headers.ContentType.Parameter("transfer-syntax"));
        Assert.NotEmpty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_deleted_instance_that_was_just_served_is_404_at_once_on_every_route()
    {
        await using var server = await ServerHarness.StartAsync();
        await StoreAsync(server.Client, Ct, Jpeg);
        var url = InstanceUrl(Ct);
        var routes = new (string Url, string Accept)[]
        {
            (url, "application/dicom; " + AsStored),
            (url, MultipartDicom),
            (url + "/metadata", "application/dicom+json"),
            (url + "/frames/1", "multipart/related; type=\"application/octet-stream\""),
            (url + "/bulk/7FE00010", "application/octet-stream"),
            ($"/wado?requestType=WADO&studyUID={Uids(Ct).Study}&seriesUID={Uids(Ct).Series}&objectUID={Uids(Ct).Sop}", "application/dicom"),
        };
        foreach (var (route, accept) in routes)
        {
            using var served = await server.Client.GetAsync(route, accept);
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await server.Client.DeleteAsync(url)).StatusCode);

        foreach (var (route, accept) in routes)
        {
            using var gone = await server.Client.GetAsync(route, accept);
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await FetchAsync(server.Client, Jpeg)).Status);
    }

    [Fact]
    public async Task A_replaced_instance_is_served_in_its_new_version_at_once()
    {
        await using var server = await ServerHarness.StartAsync("--Storage:DuplicatePolicy", "Replace");
        await StoreAsync(server.Client, Ct);
        var before = await FetchAsync(server.Client, Ct);
        Assert.Equal(Sha256Of(Ct), WadoClient.Sha256(before.Body));

        var replacement = Altered(Ct, "replaced");
        await StoreAsync(server.Client, replacement);

        var after = await FetchAsync(server.Client, Ct);
        Assert.Equal(HttpStatusCode.OK, after.Status);
        Assert.Equal(WadoClient.Sha256(replacement), WadoClient.Sha256(after.Body));
        Assert.NotEqual(before.ETag, after.ETag);
    }

    [Fact]
    public async Task A_delete_or_a_new_store_through_another_server_sharing_the_store_is_seen_at_once()
    {
        await using var first = await ServerHarness.StartAsync("--Storage:DuplicatePolicy", "Replace");
        await using var second = await ServerHarness.StartAsync("--Storage:Path", first.DataPath, "--Storage:DuplicatePolicy", "Replace");
        await StoreAsync(first.Client, Ct);
        Assert.Equal(HttpStatusCode.OK, (await FetchAsync(first.Client, Ct)).Status);
        Assert.Equal(HttpStatusCode.OK, (await FetchAsync(second.Client, Ct)).Status);

        Assert.Equal(HttpStatusCode.NoContent, (await second.Client.DeleteAsync(InstanceUrl(Ct))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await FetchAsync(first.Client, Ct)).Status);

        await StoreAsync(second.Client, Ct);
        Assert.Equal(Sha256Of(Ct), WadoClient.Sha256((await FetchAsync(first.Client, Ct)).Body));
        var replacement = Altered(Ct, "replaced elsewhere");
        await StoreAsync(second.Client, replacement);
        Assert.Equal(WadoClient.Sha256(replacement), WadoClient.Sha256((await FetchAsync(first.Client, Ct)).Body));
    }
}
