using System.Globalization;
using System.Text;
using System.Text.Json;

namespace DicomWeb.Dicom.Tests.Serialization;

/// <summary>Corpus selections and reference loading shared by the JSON and XML corpus tests.</summary>
internal static class SerializationCorpus
{
    /// <summary>Manifest paths outside malformed/ that have the given reference ("reference_json" or "reference_xml").</summary>
    public static TheoryData<string> WithReference(string field) => TestData.Cases(
        TestData.Manifest
            .Where(e => e.TryGetProperty(field, out var r) && r.ValueKind == JsonValueKind.String)
            .Select(e => e.GetProperty("path").GetString()!)
            .Where(p => !p.StartsWith("malformed/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal));

    /// <summary>Every DICOM file of the corpus, malformed ones included (those the parser rejects are skipped by the tests).</summary>
    public static TheoryData<string> AllFiles => TestData.Cases(TestData.DicomPaths(includeMalformed: true));

    /// <summary>The reference file named by the manifest entry's <paramref name="field"/>.</summary>
    public static string ReferencePath(string relative, string field) =>
        TestData.PathOf(TestData.Entry(relative).GetProperty(field).GetString()!);

    /// <summary>
    /// Reads a reference as text. dcmtk copies the bytes of values outside the character set's scope (e.g. CS) verbatim,
    /// so one reference (charset/gb18030.dcm: PatientSex holds GB18030 bytes) is not valid UTF-8; bytes that are not
    /// UTF-8 are read as Latin-1, which is how the model decodes such values.
    /// </summary>
    public static string ReadReference(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var builder = new StringBuilder(bytes.Length);
        var span = bytes.AsSpan();
        while (!span.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(span, out var rune, out var consumed) == System.Buffers.OperationStatus.Done)
            {
                builder.Append(rune.ToString());
                span = span[consumed..];
            }
            else
            {
                builder.Append((char)span[0]);
                span = span[1..];
            }
        }
        return builder.ToString();
    }

    /// <summary>Opens a corpus file as the references were made: the data set without its top-level pixel data.</summary>
    public static DicomFile OpenWithoutPixelData(string relative) =>
        DicomFile.Open(TestData.PathOf(relative), new DicomReaderOptions { StopBeforePixelData = true });

    /// <summary>
    /// Bytes we write as UN decoded as the VR dcmtk's private dictionary gave the element, one normalized string per
    /// value (numbers in invariant form, strings trimmed, PN without trailing empty components).
    /// </summary>
    public static List<string> DecodeAs(string vr, byte[] bytes)
    {
        var inv = CultureInfo.InvariantCulture;
        switch (vr)
        {
            case "US": return Enumerable.Range(0, bytes.Length / 2).Select(i => BitConverter.ToUInt16(bytes, 2 * i).ToString(inv)).ToList();
            case "SS": return Enumerable.Range(0, bytes.Length / 2).Select(i => BitConverter.ToInt16(bytes, 2 * i).ToString(inv)).ToList();
            case "UL": return Enumerable.Range(0, bytes.Length / 4).Select(i => BitConverter.ToUInt32(bytes, 4 * i).ToString(inv)).ToList();
            case "SL": return Enumerable.Range(0, bytes.Length / 4).Select(i => BitConverter.ToInt32(bytes, 4 * i).ToString(inv)).ToList();
            case "FL": return Enumerable.Range(0, bytes.Length / 4).Select(i => BitConverter.ToSingle(bytes, 4 * i).ToString("R", inv)).ToList();
            case "FD": return Enumerable.Range(0, bytes.Length / 8).Select(i => BitConverter.ToDouble(bytes, 8 * i).ToString("R", inv)).ToList();
        }
        var text = Encoding.Latin1.GetString(bytes).TrimEnd(' ', '\0');
        if (vr is not ("LT" or "ST" or "UT")) text = text.TrimStart(' ');
        var values = text.Length == 0 ? [] : vr is "LT" or "ST" or "UT" or "UR" ? [text] : text.Split('\\').Select(v => v.Trim(' ', '\0')).ToList();
        return NormalizeAs(vr, values);
    }

    /// <summary>Reference values in the form <see cref="DecodeAs"/> gives.</summary>
    public static List<string> NormalizeAs(string vr, List<string> values)
    {
        var inv = CultureInfo.InvariantCulture;
        return vr switch
        {
            "FL" => values.Select(v => float.Parse(v, inv).ToString("R", inv)).ToList(),
            "FD" => values.Select(v => double.Parse(v, inv).ToString("R", inv)).ToList(),
            "DS" or "IS" => values.Select(v => decimal.TryParse(v, NumberStyles.Float, inv, out var d) ? d.ToString(inv) : v).ToList(),
            "PN" => values.Select(v => string.Join('=', v.Split('=').Select(g => g.TrimEnd('^'))).TrimEnd('=')).ToList(),
            _ => values,
        };
    }
}
