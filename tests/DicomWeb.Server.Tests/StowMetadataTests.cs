using System.Net;
using System.Text;
using System.Text.Json;
using DicomWeb.Dicom;
using DicomWeb.Dicom.Tests;
using DicomWeb.Storage.Index;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DicomWeb.Server.Tests;

/// <summary>STOW-RS with metadata (DICOM JSON or XML) plus bulk data parts, over real HTTP into the real storage.</summary>
public sealed class StowMetadataTests
{
    private const string Ct = "native/ct_explicit_le.dcm";
    private const string Mr = "native/mr_implicit_le.dcm";

    [Fact]
    public async Task Json_metadata_and_octet_stream_pixel_data_build_an_instance_with_the_same_pixels()
    {
        await using var server = await ServerHarness.StartAsync();
        var source = DicomFile.Open(TestData.PathOf(Ct)).Dataset;
        var body = new MultipartBody()
            .Part(MetadataJson(source, "http://client.example/pixels/1"), "application/dicom+json")
            .Part(PixelBytes(source), "application/octet-stream", "Content-Location: http://client.example/pixels/1\r\n")
            .Close();

        var response = await server.Client.PostAsync("/dicom-web/studies", body.ToContent(body.ContentType("application/dicom+json")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var stored = Assert.Single(Items(json.RootElement, "00081199"));
        var sop = source.GetString(DicomTags.SOPInstanceUID)!;
        Assert.Equal(sop, stored.GetProperty("00081155").GetProperty("Value")[0].GetString());

        var row = await InstanceRow(server, sop);
        Assert.Equal(DicomTransferSyntax.ExplicitVRLittleEndian.Uid, row.TransferSyntaxUid);
        var file = DicomFile.Open(Path.Combine(server.DataPath, "blobs", row.BlobKey));
        Assert.Equal(DicomTransferSyntax.ExplicitVRLittleEndian, file.TransferSyntax);
        Assert.Equal(PixelBytes(source), PixelBytes(file.Dataset));
        Assert.Equal(source.GetString(DicomTags.PatientName), file.Dataset.GetString(DicomTags.PatientName));
        Assert.Equal(source.GetString(DicomTags.SOPClassUID), file.FileMetaInformation.GetString(DicomTags.MediaStorageSOPClassUID));
        Assert.Empty(Directory.GetFiles(Path.Combine(server.DataPath, "staging")));
    }

    [Theory]
    [InlineData(false, "pixels", "pixels")]
    [InlineData(true, "pixels", "pixels")]
    [InlineData(true, "http://client.example/dicom-web/bulk/7FE00010", "/dicom-web/bulk/7FE00010")]
    [InlineData(false, "http://client.example/dicom-web/bulk/7FE00010", "bulk/7FE00010")]
    [InlineData(true, "./bulk/7FE00010", "https://proxy.example/dicom-web/bulk/7FE00010")]
    public async Task Bulk_parts_are_found_before_or_after_the_metadata_by_absolute_or_relative_location(bool bulkFirst, string uri, string location)
    {
        await using var server = await ServerHarness.StartAsync();
        var ct = DicomFile.Open(TestData.PathOf(Ct)).Dataset;
        var mr = DicomFile.Open(TestData.PathOf(Mr)).Dataset;
        var body = new MultipartBody();
        var metadata = Encoding.UTF8.GetBytes(DicomJsonWriter.ToJson(new[] { ct, mr }, new DicomJsonWriterOptions { BulkData = PixelDataAs(d => ReferenceEquals(d, ct) ? uri : "mr-pixels", ct, mr) }));
        if (!bulkFirst) body.Part(metadata, "application/dicom+json; transfer-syntax=1.2.840.10008.1.2.1");
        body.Part(PixelBytes(mr), "application/octet-stream", "content-location: mr-pixels\r\n");
        body.Part(PixelBytes(ct), "application/octet-stream", $"Content-Location: {location}\r\n");
        if (bulkFirst) body.Part(metadata, "application/dicom+json");
        body.Close();

        var response = await server.Client.PostAsync("/dicom-web/studies", body.ToContent(body.ContentType("application/dicom+json")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        foreach (var source in new[] { ct, mr })
        {
            var row = await InstanceRow(server, source.GetString(DicomTags.SOPInstanceUID)!);
            Assert.Equal(PixelBytes(source), PixelBytes(DicomFile.Open(Path.Combine(server.DataPath, "blobs", row.BlobKey)).Dataset));
        }
    }

    [Fact]
    public async Task Xml_metadata_like_a_real_client_sends_with_an_encapsulated_pdf_stores_the_pdf_byte_for_byte()
    {
        await using var server = await ServerHarness.StartAsync();
        // The PDF of a real Encapsulated PDF instance; its odd length exercises the padding.
        var pdf = ((DicomDataElement)DicomFile.Open(TestData.PathOf("non-image/pdf.dcm")).Dataset.Get(DicomTags.EncapsulatedDocument)!).GetBytes().ToArray();
        if (pdf.Length % 2 == 0) pdf = [.. pdf, (byte)'\n'];
        const string study = "2.25.1001", series = "2.25.1002", sop = "2.25.1003";
        var xml = SeedXml(study, series, sop);

        // Byte for byte what the client in seed 004 puts on the wire: leading CRLF, unquoted type, extra CRLF after the XML.
        var wire = new MemoryStream();
        wire.Write(Encoding.UTF8.GetBytes($"\r\n--myboundary\r\nContent-Type: application/dicom+xml; transfer-syntax=1.2.840.10008.1.2.1\r\n\r\n{xml}\r\n\r\n--myboundary\r\nContent-Type: application/pdf\r\nContent-Location: bulk\r\n\r\n"));
        wire.Write(pdf);
        wire.Write("\r\n--myboundary--"u8);
        var content = new ByteArrayContent(wire.ToArray());
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/related; type=application/dicom+xml; boundary=myboundary");

        var response = await server.Client.PostAsync("/dicom-web/studies", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var row = await InstanceRow(server, sop);
        Assert.Equal("1.2.840.10008.5.1.4.1.1.104.1", row.SopClassUid);
        var file = DicomFile.Open(Path.Combine(server.DataPath, "blobs", row.BlobKey));
        var stored = ((DicomDataElement)file.Dataset.Get(DicomTags.EncapsulatedDocument)!).GetBytes().ToArray();
        Assert.Equal(pdf, stored[..pdf.Length]);
        Assert.Equal(new byte[] { 0 }, stored[pdf.Length..]);
        Assert.Equal("Pérez^María", file.Dataset.GetString(DicomTags.PatientName));
        // The server writes its own File Meta Information: the client's implicit VR syntax and implementation are not kept.
        Assert.Equal(DicomTransferSyntax.ExplicitVRLittleEndian.Uid, file.FileMetaInformation.GetString(DicomTags.TransferSyntaxUID));
        Assert.Equal(DicomFileWriter.ImplementationClassUid, file.FileMetaInformation.GetString(DicomTags.ImplementationClassUID));
        Assert.False(file.Dataset.Contains(DicomTags.TransferSyntaxUID));
    }

    [Theory]
    [InlineData("multiframe/us_cine_jpeg_nobot.dcm", "image/jpeg", false)]
    [InlineData("multiframe/us_cine_jpeg_nobot.dcm", "image/jpeg", true)]
    [InlineData("multiframe/enhanced_mr_jls.dcm", "image/jls", false)]
    [InlineData("multiframe/enhanced_mr_jls.dcm", "application/octet-stream; transfer-syntax=1.2.840.10008.1.2.4.80", true)]
    public async Task Compressed_frames_as_parts_or_as_an_inner_multipart_make_an_encapsulated_instance(string relative, string frameType, bool innerMultipart)
    {
        await using var server = await ServerHarness.StartAsync();
        var path = TestData.PathOf(relative);
        var source = DicomFile.Open(path);
        var frames = FrameBytes(path, source.Dataset);
        Assert.Equal(source.Dataset.GetInt32(DicomTags.NumberOfFrames), frames.Count);
        var body = new MultipartBody().Part(MetadataJson(source.Dataset, "frames"), "application/dicom+json");
        if (innerMultipart)
        {
            var inner = new MultipartBody("inner-boundary");
            foreach (var frame in frames) inner.Part(frame, frameType);
            body.Part(inner.Close().ToArray(), $"multipart/related; type=\"{frameType.Split(';')[0]}\"; boundary={inner.Boundary}", "Content-Location: frames\r\n");
        }
        else
        {
            foreach (var frame in frames) body.Part(frame, frameType, "Content-Location: frames\r\n");
        }
        body.Close();

        var response = await server.Client.PostAsync("/dicom-web/studies", body.ToContent(body.ContentType("application/dicom+json")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var row = await InstanceRow(server, source.Dataset.GetString(DicomTags.SOPInstanceUID)!);
        // Without a transfer-syntax parameter, image/jpeg frames tell their process (baseline here) and image/jls means .80.
        Assert.Equal(source.TransferSyntax.Uid, row.TransferSyntaxUid);
        var blob = Path.Combine(server.DataPath, "blobs", row.BlobKey);
        var stored = DicomFile.Open(blob);
        Assert.Equal(frames.Count, Assert.IsType<DicomFragmentSequence>(stored.Dataset.Get(DicomTags.PixelData)).BasicOffsetTable.Length);
        Assert.Equal(frames, FrameBytes(blob, stored.Dataset));
    }

    [Fact]
    public async Task Instance_whose_bulk_data_part_is_missing_fails_with_A900_and_leaves_nothing()
    {
        await using var server = await ServerHarness.StartAsync();
        var source = DicomFile.Open(TestData.PathOf(Ct)).Dataset;
        var body = new MultipartBody()
            .Part(MetadataJson(source, "pixels"), "application/dicom+json")
            .Part(PixelBytes(source), "application/octet-stream", "Content-Location: other-pixels\r\n")
            .Close();

        var response = await server.Client.PostAsync("/dicom-web/studies", body.ToContent(body.ContentType("application/dicom+json")));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var failure = Assert.Single(Items(json.RootElement, "00081198"));
        Assert.Equal(0xA900, failure.GetProperty("00081197").GetProperty("Value")[0].GetInt32());
        Assert.Equal(source.GetString(DicomTags.SOPInstanceUID), failure.GetProperty("00081155").GetProperty("Value")[0].GetString());
        Assert.Contains("7FE00010", failure.GetProperty("00000902").GetProperty("Value")[0].GetString());
        Assert.Empty(server.BlobFiles());
        Assert.Empty(Directory.GetFiles(Path.Combine(server.DataPath, "staging")));
    }

    [Theory]
    [InlineData("application/dicom+json", "[{\"00080018\": {\"vr\": \"UI\", \"Value\": [\"1.2.3\"]}, ")]
    [InlineData("application/dicom+xml", "<NativeDicomModel><DicomAttribute tag=\"0008001Z\" vr=\"UI\"><Value number=\"1\">1.2.3</Value></DicomAttribute></NativeDicomModel>")]
    public async Task Malformed_metadata_part_fails_with_C000_while_the_next_one_stores(string type, string malformed)
    {
        await using var server = await ServerHarness.StartAsync();
        var source = DicomFile.Open(TestData.PathOf(Ct)).Dataset;
        var good = type.EndsWith("json")
            ? MetadataJson(source, "pixels")
            : Encoding.UTF8.GetBytes(DicomXmlWriter.ToXml(source, new DicomXmlWriterOptions { BulkData = PixelDataAs(_ => "pixels", source) }));
        var body = new MultipartBody()
            .Part(Encoding.UTF8.GetBytes(malformed), type)
            .Part(good, type)
            .Part(PixelBytes(source), "application/octet-stream", "Content-Location: pixels\r\n")
            .Close();

        var response = await server.Client.PostAsync("/dicom-web/studies", body.ToContent(body.ContentType(type)));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var failure = Assert.Single(Items(json.RootElement, "00081198"));
        Assert.Equal(0xC000, failure.GetProperty("00081197").GetProperty("Value")[0].GetInt32());
        Assert.StartsWith("part 1:", failure.GetProperty("00000902").GetProperty("Value")[0].GetString());
        Assert.Single(Items(json.RootElement, "00081199"));
        Assert.Equal(2, server.BlobFiles().Length);
    }

    [Fact]
    public async Task Names_the_declared_character_set_cannot_hold_are_stored_as_UTF8()
    {
        await using var server = await ServerHarness.StartAsync();
        var source = DicomFile.Open(TestData.PathOf(Ct)).Dataset;
        source.Remove(DicomTags.SpecificCharacterSet);
        source.Set(new DicomDataElement(DicomTags.PatientName, DicomVR.PN, "Ωμέγα^Γιάννης"));
        var body = new MultipartBody()
            .Part(MetadataJson(source, "pixels"), "application/dicom+json")
            .Part(PixelBytes(source), "application/octet-stream", "Content-Location: pixels\r\n")
            .Close();

        var response = await server.Client.PostAsync("/dicom-web/studies", body.ToContent(body.ContentType("application/dicom+json")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var row = await InstanceRow(server, source.GetString(DicomTags.SOPInstanceUID)!);
        var stored = DicomFile.Open(Path.Combine(server.DataPath, "blobs", row.BlobKey)).Dataset;
        Assert.Equal("ISO_IR 192", stored.GetString(DicomTags.SpecificCharacterSet));
        Assert.Equal("Ωμέγα^Γιάννης", stored.GetString(DicomTags.PatientName));
    }

    [Fact]
    public async Task Request_with_no_metadata_part_gets_400()
    {
        await using var server = await ServerHarness.StartAsync();
        var body = new MultipartBody().Part([1, 2, 3, 4], "application/octet-stream", "Content-Location: pixels\r\n").Close();
        var response = await server.Client.PostAsync("/dicom-web/studies", body.ToContent(body.ContentType("application/dicom+json")));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(Directory.GetFiles(Path.Combine(server.DataPath, "staging")));
    }

    private static string SeedXml(string study, string series, string sop) =>
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><NativeDicomModel xml-space=\"preserved\">" +
        "<DicomAttribute keyword=\"FileMetaInformationVersion\" tag=\"00020001\" vr=\"OB\"><InlineBinary>AAE=</InlineBinary></DicomAttribute>" +
        "<DicomAttribute keyword=\"MediaStorageSOPClassUID\" tag=\"00020002\" vr=\"UI\"><Value number=\"1\">1.2.840.10008.5.1.4.1.1.104.1</Value></DicomAttribute>" +
        $"<DicomAttribute keyword=\"MediaStorageSOPInstanceUID\" tag=\"00020003\" vr=\"UI\"><Value number=\"1\">{sop}</Value></DicomAttribute>" +
        "<DicomAttribute keyword=\"TransferSyntaxUID\" tag=\"00020010\" vr=\"UI\"><Value number=\"1\">1.2.840.10008.1.2</Value></DicomAttribute>" +
        "<DicomAttribute keyword=\"ImplementationClassUID\" tag=\"00020012\" vr=\"UI\"><Value number=\"1\">2.16.858.0.2.9.62.0.1.0.217215590012</Value></DicomAttribute>" +
        "<DicomAttribute keyword=\"ImplementationVersionName\" tag=\"00020013\" vr=\"SH\"><Value number=\"1\">JESROS OPENDICOM</Value></DicomAttribute>" +
        "<DicomAttribute keyword=\"SpecificCharacterSet\" tag=\"00080005\" vr=\"CS\"><Value number=\"1\">ISO_IR 100</Value></DicomAttribute>" +
        "<DicomAttribute keyword=\"SOPClassUID\" tag=\"00080016\" vr=\"UI\"><Value number=\"1\">1.2.840.10008.5.1.4.1.1.104.1</Value></DicomAttribute>" +
        $"<DicomAttribute keyword=\"SOPInstanceUID\" tag=\"00080018\" vr=\"UI\"><Value number=\"1\">{sop}</Value></DicomAttribute>" +
        "<DicomAttribute keyword=\"TimezoneOffsetFromUTC\" tag=\"00080201\" vr=\"SH\"><Value number=\"1\">-0300</Value></DicomAttribute>" +
        "<DicomAttribute keyword=\"PatientName\" tag=\"00100010\" vr=\"PN\"><PersonName number=\"1\"><Alphabetic><FamilyName>Pérez</FamilyName><GivenName>María</GivenName></Alphabetic></PersonName></DicomAttribute>" +
        "<DicomAttribute keyword=\"PatientID\" tag=\"00100020\" vr=\"LO\"><Value number=\"1\">4711</Value></DicomAttribute>" +
        "<DicomAttribute keyword=\"PatientBirthDate\" tag=\"00100030\" vr=\"DA\"><Value number=\"1\">19700101</Value></DicomAttribute>" +
        "<DicomAttribute keyword=\"PatientSex\" tag=\"00100040\" vr=\"CS\"><Value number=\"1\">F</Value></DicomAttribute>" +
        $"<DicomAttribute keyword=\"StudyInstanceUID\" tag=\"0020000D\" vr=\"UI\"><Value number=\"1\">{study}</Value></DicomAttribute>" +
        "<DicomAttribute keyword=\"Modality\" tag=\"00080060\" vr=\"CS\"><Value number=\"1\">DOC</Value></DicomAttribute>" +
        $"<DicomAttribute keyword=\"SeriesInstanceUID\" tag=\"0020000E\" vr=\"UI\"><Value number=\"1\">{series}</Value></DicomAttribute>" +
        "<DicomAttribute keyword=\"SeriesNumber\" tag=\"00200011\" vr=\"IS\"><Value number=\"1\">-16</Value></DicomAttribute>" +
        "<DicomAttribute keyword=\"InstitutionAddress\" tag=\"00080081\" vr=\"ST\"><Value number=\"1\">Torre Ejecutiva Torre Sur, Liniers 1324, Montevideo</Value></DicomAttribute>" +
        "<DicomAttribute keyword=\"ConversionType\" tag=\"00080064\" vr=\"CS\"><Value number=\"1\">WSD</Value></DicomAttribute>" +
        "<DicomAttribute keyword=\"InstanceNumber\" tag=\"00200013\" vr=\"IS\"><Value number=\"1\">1</Value></DicomAttribute>" +
        "<DicomAttribute keyword=\"AcquisitionDateTime\" tag=\"0008002A\" vr=\"DT\"><Value number=\"1\">20211103101500</Value></DicomAttribute>" +
        "<DicomAttribute keyword=\"BurnedInAnnotation\" tag=\"00280301\" vr=\"CS\"><Value number=\"1\">YES</Value></DicomAttribute>" +
        "<DicomAttribute keyword=\"DocumentTitle\" tag=\"00420010\" vr=\"ST\"><Value number=\"1\">INFORME IMAGENOLOGICO</Value></DicomAttribute>" +
        "<DicomAttribute keyword=\"MIMETypeOfEncapsulatedDocument\" tag=\"00420012\" vr=\"LO\"><Value number=\"1\">application/pdf</Value></DicomAttribute>" +
        "<DicomAttribute keyword=\"EncapsulatedDocument\" tag=\"00420011\" vr=\"OB\"><BulkData uri=\"bulk\"/></DicomAttribute>" +
        "</NativeDicomModel>";

    /// <summary>A bulk data policy that references the top-level Pixel Data of the given data sets and inlines everything else.</summary>
    private static DicomBulkDataPolicy PixelDataAs(Func<DicomDataset, string> uri, params DicomDataset[] datasets) => new()
    {
        UriFactory = context => context.Path.Count == 0 && context.Element.Tag == DicomTags.PixelData
            ? uri(datasets.Single(d => ReferenceEquals(d.Get(DicomTags.PixelData), context.Element)))
            : null,
    };

    private static byte[] MetadataJson(DicomDataset dataset, string pixelUri) =>
        Encoding.UTF8.GetBytes(DicomJsonWriter.ToJson(new[] { dataset }, new DicomJsonWriterOptions { BulkData = PixelDataAs(_ => pixelUri, dataset) }));

    private static byte[] PixelBytes(DicomDataset dataset) => ((DicomDataElement)dataset.Get(DicomTags.PixelData)!).GetBytes().ToArray();

    /// <summary>Each frame's bytes, joined from its fragments.</summary>
    private static List<byte[]> FrameBytes(string path, DicomDataset dataset)
    {
        using var file = File.OpenRead(path);
        return DicomFrameIndex.Compute(dataset).Select(frame =>
        {
            var bytes = new MemoryStream();
            foreach (var range in frame.Ranges)
            {
                var buffer = new byte[range.Length];
                file.Position = range.Offset;
                file.ReadExactly(buffer);
                bytes.Write(buffer);
            }
            return bytes.ToArray();
        }).ToList();
    }

    private static async Task<InstanceRecord> InstanceRow(ServerHarness server, string sop)
    {
        await using var scope = server.Services.CreateAsyncScope();
        await using var index = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<DicomIndexContext>>().CreateDbContextAsync();
        return await index.Instances.SingleAsync(i => i.SopInstanceUid == sop);
    }

    private static List<JsonElement> Items(JsonElement root, string tag) =>
        root.TryGetProperty(tag, out var sequence) && sequence.TryGetProperty("Value", out var items) ? items.EnumerateArray().ToList() : [];
}
