using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Xml.Linq;
using DicomWeb.Dicom;
using DicomWeb.Dicom.Tests;
using DicomWeb.Storage.Index;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DicomWeb.Server.Tests;

/// <summary>STOW-RS over real HTTP against the real server, file system and SQLite index.</summary>
public sealed class StowTests
{
    private const string Ct = "native/ct_explicit_le.dcm";
    private const string Mr = "native/mr_implicit_le.dcm";
    private static readonly string CtStudy = TestData.Entry(Ct).GetProperty("study_instance_uid").GetString()!;

    [Fact]
    public async Task Whole_corpus_in_one_request_stores_every_storable_instance_byte_identical()
    {
        await using var server = await ServerHarness.StartAsync();
        var body = new MultipartBody();
        var paths = TestData.DicomPaths().ToList();
        foreach (var relative in paths) body.Part(await File.ReadAllBytesAsync(TestData.PathOf(relative)));
        body.Close();

        var response = await server.Client.PostAsync("/dicom-web/studies", body.ToContent());

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var referenced = Items(json.RootElement, "00081199");
        var failed = Items(json.RootElement, "00081198");
        Assert.Equal(paths.Count, referenced.Count + failed.Count);
        var reasons = failed.Select(f => f.GetProperty("00081197").GetProperty("Value")[0].GetInt32()).ToList();
        Assert.All(reasons, r => Assert.Contains(r, new[] { 0x0111, 0xA900, 0xC000 }));
        Assert.Contains(0x0111, reasons);

        var expected = paths.Select(p => (Path: p, Sha: Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(TestData.PathOf(p))))))
            .ToDictionary(p => p.Sha, p => p.Path);
        await using var scope = server.Services.CreateAsyncScope();
        await using var index = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<DicomIndexContext>>().CreateDbContextAsync();
        var rows = await index.Instances.Include(i => i.Series).ThenInclude(s => s!.Study).ToListAsync();
        Assert.Equal(referenced.Count, rows.Count);
        foreach (var item in referenced)
        {
            var sop = item.GetProperty("00081155").GetProperty("Value")[0].GetString()!;
            var row = rows.Single(r => r.SopInstanceUid == sop);
            var url = item.GetProperty("00081190").GetProperty("Value")[0].GetString();
            Assert.Equal($"{server.Client.BaseAddress}dicom-web/studies/{row.Series!.Study!.StudyInstanceUid}/series/{row.Series.SeriesInstanceUid}/instances/{sop}", url);
            var blob = Path.Combine(server.DataPath, "blobs", row.BlobKey);
            Assert.True(expected.ContainsKey(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(blob)))), $"{sop} is not byte-identical to a sent file");
        }
        Assert.Equal(rows.Count * 2, server.BlobFiles().Length);
    }

    [Fact]
    public async Task One_instance_stores_with_200_and_a_retrieve_url()
    {
        await using var server = await ServerHarness.StartAsync();
        var response = await server.Client.PostAsync("/dicom-web/studies", new MultipartBody().Part(Bytes(Ct)).Close().ToContent());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/dicom+json", response.Content.Headers.ContentType!.MediaType);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        using var json = JsonDocument.Parse(body);
        Assert.Equal($"{server.Client.BaseAddress}dicom-web/studies/{CtStudy}", json.RootElement.GetProperty("00081190").GetProperty("Value")[0].GetString());
        Assert.Single(Items(json.RootElement, "00081199"));
        Assert.False(json.RootElement.TryGetProperty("00081198", out _));
    }

    [Fact]
    public async Task Response_is_XML_when_the_client_asks_for_it()
    {
        await using var server = await ServerHarness.StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "/dicom-web/studies") { Content = new MultipartBody().Part(Bytes(Ct)).Close().ToContent() };
        request.Headers.TryAddWithoutValidation("Accept", "application/dicom+xml");

        var response = await server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        var xml = XDocument.Load(new MemoryStream(body));
        XNamespace ns = "http://dicom.nema.org/PS3.19/models/NativeDICOM";
        Assert.Contains(xml.Root!.Elements(ns + "DicomAttribute"), e => (string?)e.Attribute("tag") == "00081199");
    }

    [Fact]
    public async Task Accept_that_allows_no_response_type_gets_406()
    {
        await using var server = await ServerHarness.StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "/dicom-web/studies") { Content = new MultipartBody().Part(Bytes(Ct)).Close().ToContent() };
        request.Headers.TryAddWithoutValidation("Accept", "text/html");
        Assert.Equal(HttpStatusCode.NotAcceptable, (await server.Client.SendAsync(request)).StatusCode);
        Assert.Empty(server.BlobFiles());
    }

    [Fact]
    public async Task Truncated_second_part_fails_while_the_first_stores()
    {
        await using var server = await ServerHarness.StartAsync();
        var mr = Bytes(Mr);
        var body = new MultipartBody().Part(Bytes(Ct)).Part(mr[..(mr.Length / 2)]);

        var response = await server.Client.PostAsync("/dicom-web/studies", body.ToContent());

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Single(Items(json.RootElement, "00081199"));
        var failure = Assert.Single(Items(json.RootElement, "00081198"));
        Assert.Equal(0xC000, failure.GetProperty("00081197").GetProperty("Value")[0].GetInt32());
        Assert.Equal(2, server.BlobFiles().Length);
        Assert.Empty(Directory.GetFiles(Path.Combine(server.DataPath, "staging")));
    }

    [Fact]
    public async Task Part_that_is_not_DICOM_and_a_zero_byte_part_fail_while_the_good_part_stores()
    {
        await using var server = await ServerHarness.StartAsync();
        var body = new MultipartBody().Part("this is plainly not DICOM at all"u8.ToArray()).Part([]).Part(Bytes(Ct)).Close();

        var response = await server.Client.PostAsync("/dicom-web/studies", body.ToContent());

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(2, Items(json.RootElement, "00081198").Count);
        Assert.All(Items(json.RootElement, "00081198"), f => Assert.Equal(0xC000, f.GetProperty("00081197").GetProperty("Value")[0].GetInt32()));
        Assert.Equal(2, server.BlobFiles().Length);
    }

    [Fact]
    public async Task Part_with_a_lying_length_fails_and_leaves_nothing()
    {
        await using var server = await ServerHarness.StartAsync();
        var bytes = Bytes(Ct);
        var pixel = DicomFile.Open(TestData.PathOf(Ct)).Dataset.Get(new DicomTag(0x7FE0, 0x0010))!;
        // The 32-bit length of (7FE0,0010) OB/OW sits 8 bytes into its header: claim 3 GB.
        BitConverter.TryWriteBytes(bytes.AsSpan((int)pixel.StreamOffset + 8), 0xC0000000u);

        var response = await server.Client.PostAsync("/dicom-web/studies", new MultipartBody().Part(bytes).Close().ToContent());

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var failure = Assert.Single(Items(json.RootElement, "00081198"));
        Assert.Contains("truncated", failure.GetProperty("00000902").GetProperty("Value")[0].GetString());
        Assert.Empty(server.BlobFiles());
    }

    [Fact]
    public async Task Instance_of_another_study_than_the_URL_fails_with_A900_while_the_matching_one_stores()
    {
        await using var server = await ServerHarness.StartAsync();
        var body = new MultipartBody().Part(Bytes(Ct)).Part(Bytes(Mr)).Close();

        var response = await server.Client.PostAsync($"/dicom-web/studies/{CtStudy}", body.ToContent());

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var failure = Assert.Single(Items(json.RootElement, "00081198"));
        Assert.Equal(0xA900, failure.GetProperty("00081197").GetProperty("Value")[0].GetInt32());
        Assert.Equal(TestData.Entry(Mr).GetProperty("sop_instance_uid").GetString(), failure.GetProperty("00081155").GetProperty("Value")[0].GetString());
    }

    [Fact]
    public async Task Only_failures_give_409()
    {
        await using var server = await ServerHarness.StartAsync();
        var response = await server.Client.PostAsync("/dicom-web/studies/1.2.3", new MultipartBody().Part(Bytes(Ct)).Close().ToContent());
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Empty(server.BlobFiles());
    }

    [Theory]
    [InlineData("application/dicom", 415)]
    [InlineData("multipart/related; type=\"application/pdf\"; boundary=DICOMwebBoundary42", 415)]
    [InlineData("multipart/related; type=\"application/dicom\"", 400)]
    [InlineData("multipart/related; type=\"application/dicom\"; boundary=SomethingElse", 400)]
    public async Task Request_level_problems_get_4xx_with_a_reason(string contentType, int status)
    {
        await using var server = await ServerHarness.StartAsync();
        var response = await server.Client.PostAsync("/dicom-web/studies", new MultipartBody().Part(Bytes(Ct)).Close().ToContent(contentType));

        Assert.Equal(status, (int)response.StatusCode);
        var problem = await response.Content.ReadAsStringAsync();
        Assert.Contains("detail", problem);
        Assert.Empty(server.BlobFiles());
    }

    [Fact]
    public async Task Empty_body_gets_400()
    {
        await using var server = await ServerHarness.StartAsync();
        var response = await server.Client.PostAsync("/dicom-web/studies", new MultipartBody().ToContent());
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("multipart", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Invalid_study_UID_in_the_path_gets_400()
    {
        await using var server = await ServerHarness.StartAsync();
        var response = await server.Client.PostAsync("/dicom-web/studies/not-a-uid", new MultipartBody().Part(Bytes(Ct)).Close().ToContent());
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task What_real_clients_send_is_tolerated_unquoted_type_leading_CRLF_header_case_and_gzip()
    {
        await using var server = await ServerHarness.StartAsync();
        var body = new MultipartBody("b0und4ry");
        body.Raw("\r\n");
        body.Part(Bytes(Ct), contentType: null, extraHeaders: "CONTENT-type: application/dicom; transfer-syntax=1.2.840.10008.1.2.1\r\ncontent-length: 1\r\n").Close();
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(body.ToArray());
        var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.TryAddWithoutValidation("Content-Type", "Multipart/Related; boundary=\"b0und4ry\"; type=application/dicom");
        content.Headers.ContentEncoding.Add("gzip");

        var response = await server.Client.PostAsync("/stowrs/studies", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, server.BlobFiles().Length);
    }

    [Fact]
    public async Task Unsupported_content_encoding_gets_415()
    {
        await using var server = await ServerHarness.StartAsync();
        var content = new MultipartBody().Part(Bytes(Ct)).Close().ToContent();
        content.Headers.ContentEncoding.Add("br");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await server.Client.PostAsync("/dicom-web/studies", content)).StatusCode);
    }

    [Fact]
    public async Task Body_over_the_configured_limit_gets_413()
    {
        await using var server = await ServerHarness.StartAsync("--DicomWeb:MaxRequestBodySize", "100000");
        var response = await server.Client.PostAsync("/dicom-web/studies", new MultipartBody().Part(Bytes(Ct)).Close().ToContent());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(server.BlobFiles());
    }

    [Fact]
    public async Task Eight_clients_posting_the_same_study_at_once_store_each_instance_once()
    {
        await using var server = await ServerHarness.StartAsync();
        var files = new[] { Ct, "multiframe/enhanced_mr.dcm", "jpeg-ls/ct1_fragmented_bot.dcm", "rle/ct.dcm" }.Select(Bytes).ToArray();
        var body = new MultipartBody();
        foreach (var file in files) body.Part(file);
        var bytes = body.Close().ToArray();

        var posts = Enumerable.Range(0, 8).Select(_ =>
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.TryAddWithoutValidation("Content-Type", body.ContentType());
            return server.Client.PostAsync("/dicom-web/studies", content);
        });
        var responses = await Task.WhenAll(posts);

        var distinct = files.Select(f => DicomFile.Read(new MemoryStream(f)).Dataset.GetString(DicomTags.SOPInstanceUID)).Distinct().Count();
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted, r.StatusCode.ToString()));
        await using var scope = server.Services.CreateAsyncScope();
        await using var index = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<DicomIndexContext>>().CreateDbContextAsync();
        Assert.Equal(distinct, await index.Instances.CountAsync());
        Assert.Equal(distinct * 2, server.BlobFiles().Length);
    }

    private static byte[] Bytes(string relative) => File.ReadAllBytes(TestData.PathOf(relative));

    private static List<JsonElement> Items(JsonElement root, string tag) =>
        root.TryGetProperty(tag, out var sequence) && sequence.TryGetProperty("Value", out var items) ? items.EnumerateArray().ToList() : [];
}
