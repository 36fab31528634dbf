using System.Net;
using System.Numerics;
using System.Text.Json;
using DicomWeb.Dicom;

namespace DicomWeb.Server.Tests;

/// <summary>A generated series: its attributes and how many instances it gets.</summary>
internal sealed class GeneratedSeries
{
    public string SeriesUid { get; } = QidoTestData.NewUid();
    public string Modality { get; init; } = "CT";
    public int Number { get; init; } = 1;
    public string SopClass { get; init; } = "1.2.840.10008.5.1.4.1.1.2";
    public int Instances { get; init; } = 1;
    public string? Description { get; init; }
    public string? BodyPart { get; init; }
    public string? ProtocolName { get; init; }
    public string? RequestedProcedureId { get; init; }
    public string? ScheduledProcedureStepId { get; init; }
    public List<string> SopUids { get; } = [];
}

/// <summary>A generated study whose instances are written as real Part 10 files with <see cref="DicomFileWriter"/>.</summary>
internal sealed class GeneratedStudy
{
    public string StudyUid { get; } = QidoTestData.NewUid();
    public string PatientId { get; init; } = "P";
    public string PatientName { get; init; } = "";
    public string? BirthDate { get; init; }
    public string? Sex { get; init; }
    public string? StudyDate { get; init; }
    public string? StudyTime { get; init; }
    public string? Accession { get; init; }
    public string? Description { get; init; }
    public string? Referring { get; init; }
    public string? PatientComments { get; init; }
    public List<GeneratedSeries> Series { get; init; } = [];

    /// <summary>The Part 10 bytes of every instance of the given series (all series when none given).</summary>
    public IEnumerable<byte[]> Files(params GeneratedSeries[] only)
    {
        foreach (var series in only.Length > 0 ? only : Series.ToArray())
            for (var i = series.SopUids.Count; i < series.Instances; i++)
            {
                var sop = QidoTestData.NewUid();
                series.SopUids.Add(sop);
                yield return Write(series, sop, i + 1);
            }
    }

    /// <summary>One more instance of <paramref name="series"/>.</summary>
    public byte[] AddInstance(GeneratedSeries series)
    {
        var sop = QidoTestData.NewUid();
        series.SopUids.Add(sop);
        return Write(series, sop, series.SopUids.Count);
    }

    private byte[] Write(GeneratedSeries series, string sop, int number)
    {
        var dataset = new DicomDataset();
        void Text(DicomTag tag, DicomVR vr, string? value)
        {
            if (value != null) dataset.Set(new DicomDataElement(tag, vr, value));
        }
        Text(DicomTags.SpecificCharacterSet, DicomVR.CS, "ISO_IR 192");
        Text(DicomTags.SOPClassUID, DicomVR.UI, series.SopClass);
        Text(DicomTags.SOPInstanceUID, DicomVR.UI, sop);
        Text(DicomTags.StudyDate, DicomVR.DA, StudyDate);
        Text(DicomTags.StudyTime, DicomVR.TM, StudyTime);
        Text(DicomTags.AccessionNumber, DicomVR.SH, Accession);
        Text(DicomTags.Modality, DicomVR.CS, series.Modality);
        Text(DicomTags.ReferringPhysicianName, DicomVR.PN, Referring);
        Text(DicomTags.StudyDescription, DicomVR.LO, Description);
        Text(DicomTags.SeriesDescription, DicomVR.LO, series.Description);
        Text(DicomTags.PatientName, DicomVR.PN, PatientName);
        Text(DicomTags.PatientID, DicomVR.LO, PatientId);
        Text(DicomTags.PatientBirthDate, DicomVR.DA, BirthDate);
        Text(DicomTags.PatientSex, DicomVR.CS, Sex);
        Text(DicomTags.PatientComments, DicomVR.LT, PatientComments);
        Text(DicomTags.BodyPartExamined, DicomVR.CS, series.BodyPart);
        Text(DicomTags.ProtocolName, DicomVR.LO, series.ProtocolName);
        Text(DicomTags.StudyInstanceUID, DicomVR.UI, StudyUid);
        Text(DicomTags.SeriesInstanceUID, DicomVR.UI, series.SeriesUid);
        Text(DicomTags.StudyID, DicomVR.SH, "S1");
        Text(DicomTags.SeriesNumber, DicomVR.IS, series.Number.ToString());
        Text(DicomTags.InstanceNumber, DicomVR.IS, number.ToString());
        if (series.RequestedProcedureId != null || series.ScheduledProcedureStepId != null)
        {
            var item = new DicomDataset();
            if (series.ScheduledProcedureStepId != null) item.Set(new DicomDataElement(DicomTags.ScheduledProcedureStepID, DicomVR.SH, series.ScheduledProcedureStepId));
            if (series.RequestedProcedureId != null) item.Set(new DicomDataElement(DicomTags.RequestedProcedureID, DicomVR.SH, series.RequestedProcedureId));
            dataset.Set(new DicomSequence(DicomTags.RequestAttributesSequence, [item]));
        }
        // A small 16×16 16-bit image: 512 bytes of pixel data, above the metadata's inline threshold, so it is a BulkDataURI there.
        dataset.Set(DicomDataElement.FromValues<ushort>(DicomTags.SamplesPerPixel, DicomVR.US, [1]));
        Text(DicomTags.PhotometricInterpretation, DicomVR.CS, "MONOCHROME2");
        dataset.Set(DicomDataElement.FromValues<ushort>(DicomTags.Rows, DicomVR.US, [16]));
        dataset.Set(DicomDataElement.FromValues<ushort>(DicomTags.Columns, DicomVR.US, [16]));
        dataset.Set(DicomDataElement.FromValues<ushort>(DicomTags.BitsAllocated, DicomVR.US, [16]));
        dataset.Set(DicomDataElement.FromValues<ushort>(DicomTags.BitsStored, DicomVR.US, [16]));
        dataset.Set(DicomDataElement.FromValues<ushort>(DicomTags.HighBit, DicomVR.US, [15]));
        dataset.Set(DicomDataElement.FromValues<ushort>(DicomTags.PixelRepresentation, DicomVR.US, [0]));
        dataset.Set(new DicomDataElement(DicomTags.PixelData, DicomVR.OW, new byte[512]));
        using var stream = new MemoryStream();
        DicomFileWriter.Write(stream, new DicomFile(new DicomDataset(), dataset), DicomTransferSyntax.ExplicitVRLittleEndian);
        return stream.ToArray();
    }
}

/// <summary>Helpers for QIDO-RS tests: unique UIDs, storing over STOW-RS, reading DICOM JSON results.</summary>
internal static class QidoTestData
{
    public const string BasicTextSr = "1.2.840.10008.5.1.4.1.1.88.11";

    public static string NewUid() => "2.25." + new BigInteger(Guid.NewGuid().ToByteArray(), isUnsigned: true);

    public static async Task StoreAsync(HttpClient client, IEnumerable<byte[]> files)
    {
        var body = new MultipartBody();
        foreach (var file in files) body.Part(file);
        var response = await client.PostAsync("/dicom-web/studies", body.Close().ToContent());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static async Task<List<JsonElement>> SearchAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {text}");
        Assert.Equal("application/dicom+json", response.Content.Headers.ContentType!.MediaType);
        using var json = JsonDocument.Parse(text);
        return json.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    /// <summary>The first value of an attribute as text (a PN's Alphabetic group), or null when absent or empty.</summary>
    public static string? Text(JsonElement result, string tag)
    {
        if (!result.TryGetProperty(tag, out var attribute) || !attribute.TryGetProperty("Value", out var values)) return null;
        var first = values[0];
        return first.ValueKind switch
        {
            JsonValueKind.Object => first.TryGetProperty("Alphabetic", out var alphabetic) ? alphabetic.GetString() : null,
            JsonValueKind.Number => first.GetRawText(),
            JsonValueKind.Null => null,
            _ => first.GetString(),
        };
    }

    public static int? Number(JsonElement result, string tag) => Text(result, tag) is { } text ? int.Parse(text) : null;

    public static string[] Texts(JsonElement result, string tag) =>
        result.TryGetProperty(tag, out var attribute) && attribute.TryGetProperty("Value", out var values)
            ? values.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Number ? v.GetRawText() : v.GetString()!).ToArray()
            : [];

    public static string[] StudyUids(IEnumerable<JsonElement> results) => results.Select(r => Text(r, "0020000D")!).Order().ToArray();
}
