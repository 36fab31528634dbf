using System.Globalization;
using System.Text.Json;

namespace DicomWeb.Dicom.Tests.Serialization;

/// <summary>
/// The JSON writer against dcmtk's dcm2json output for every corpus file that has one (outside malformed/).
/// </summary>
/// <remarks>
/// Normalisation before comparing (everything else must match exactly: keys and their order, "vr", which of
/// Value/InlineBinary/BulkDataURI is present, string values, PN groups, AT values, integers):
/// <list type="bullet">
/// <item>Group 0002 is left out (dcm2json writes no meta header by default; neither does our writer).</item>
/// <item>Specific Character Set (0008,0005) is not compared, at any level: dcm2json converted all text to UTF-8 and
/// rewrote it to "ISO_IR 192"; we keep the source's value (PS3.18 F.2.2 note 3).</item>
/// <item>InlineBinary is compared as the decoded bytes.</item>
/// <item>DS and IS values are compared as numbers (decimal), whether written as numbers or strings (F.2.3 permits both).</item>
/// <item>FL values are compared as 32-bit floats and FD values as doubles: dcmtk prints FL with 9 and FD with 17
/// significant digits (e.g. 1.024000049), we print the shortest text that reads back to the same value (1.024).
/// dcmtk quirk: its own double formatter (not printf) is sometimes one unit in the last place off, e.g. rle/palette.dcm
/// PhysicalDeltaX holds 0x3F9ADBB824E336F7 (0.02622878766196998) and dcm2json prints 0.026228787661969974, which reads as
/// ...F6; so FD values may differ by one ulp.</item>
/// <item>dcmtk quirk: dcmtk has a private data dictionary and gives private tags of implicit VR files a VR (e.g. LO, SL
/// for GEMS_IDEN_01 in native/ct_implicit_le.dcm). The standard has such elements read as UN (PS3.5 §6.2.2), which we
/// write as InlineBinary. Where the reference has another VR for a private tag that we write as UN, our bytes are decoded
/// as that VR and compared with its values (sequences the reference found inside such UN bytes are not compared).</item>
/// <item>dcmtk quirk: dcmtk keeps NUL bytes in string values (jpeg-extended/ot_rgb_private_sq.dcm: a DA of eight NULs);
/// the model trims trailing NULs as padding (<see cref="DicomDataElement.GetStrings"/>), so reference strings are compared
/// with trailing NULs removed.</item>
/// <item>dcmtk quirk: for a value that is not empty but consists only of padding (e.g. AS "    ", LT "  "), dcm2json
/// writes "Value": [null]; such a value is empty in DICOM (PS3.5 §6.2: the padding is not significant) and F.2.5 says an
/// empty attribute has no "Value", which is what we write and what dcm2xml writes for the same files. A reference
/// "Value" holding nothing but one null is therefore treated as absent.</item>
/// <item>The reference for charset/gb18030.dcm is not valid UTF-8 (see <see cref="SerializationCorpus.ReadReference"/>).</item>
/// </list>
/// </remarks>
public sealed class DicomJsonCorpusTests
{
    public static TheoryData<string> Files => SerializationCorpus.WithReference("reference_json");

    [Theory]
    [MemberData(nameof(Files))]
    public void Json_matches_dcm2json(string relative)
    {
        var file = SerializationCorpus.OpenWithoutPixelData(relative);
        var json = DicomJsonWriter.ToJson(file.Dataset, new DicomJsonWriterOptions { BulkData = DicomBulkDataPolicy.InlineAll });
        using var ours = JsonDocument.Parse(json);
        using var reference = JsonDocument.Parse(SerializationCorpus.ReadReference(SerializationCorpus.ReferencePath(relative, "reference_json")));
        var differences = new List<string>();
        CompareDataset(reference.RootElement, ours.RootElement, "", differences);
        Assert.True(differences.Count == 0, $"{differences.Count} differences:\n" + string.Join("\n", differences.Take(30)));
    }

    private static void CompareDataset(JsonElement expected, JsonElement actual, string path, List<string> differences)
    {
        var expectedKeys = Keys(expected);
        var actualKeys = Keys(actual);
        if (!expectedKeys.SequenceEqual(actualKeys))
        {
            var missing = expectedKeys.Except(actualKeys).ToList();
            var extra = actualKeys.Except(expectedKeys).ToList();
            differences.Add($"{path}: keys differ; missing [{string.Join(",", missing)}], extra [{string.Join(",", extra)}]" +
                (missing.Count == 0 && extra.Count == 0 ? " (order)" : ""));
        }
        foreach (var key in expectedKeys.Intersect(actualKeys))
            CompareAttribute(expected.GetProperty(key), actual.GetProperty(key), $"{path}/{key}", differences);
    }

    private static List<string> Keys(JsonElement dataset) => dataset.EnumerateObject()
        .Select(p => p.Name)
        .Where(k => !k.StartsWith("0002", StringComparison.Ordinal) && k != "00080005")
        .ToList();

    private static void CompareAttribute(JsonElement expected, JsonElement actual, string path, List<string> differences)
    {
        var vr = expected.GetProperty("vr").GetString();
        if (vr != "UN" && actual.GetProperty("vr").GetString() == "UN" && IsPrivate(path))
        {
            ComparePrivateAsUN(vr!, expected, actual, path, differences);
            return;
        }
        if (vr != actual.GetProperty("vr").GetString())
        {
            differences.Add($"{path}: vr {vr} vs {actual.GetProperty("vr").GetString()}");
            return;
        }
        var expectedMembers = Members(expected);
        var actualMembers = Members(actual);
        if (!expectedMembers.SequenceEqual(actualMembers))
        {
            differences.Add($"{path}: members [{string.Join(",", expectedMembers)}] vs [{string.Join(",", actualMembers)}]: {Show(expected)} vs {Show(actual)}");
            return;
        }
        if (expected.TryGetProperty("InlineBinary", out var inline))
        {
            if (!inline.GetBytesFromBase64().AsSpan().SequenceEqual(actual.GetProperty("InlineBinary").GetBytesFromBase64()))
                differences.Add($"{path}: InlineBinary differs");
            return;
        }
        if (expected.TryGetProperty("BulkDataURI", out var uri))
        {
            if (uri.GetString() != actual.GetProperty("BulkDataURI").GetString()) differences.Add($"{path}: BulkDataURI differs");
            return;
        }
        if (!expected.TryGetProperty("Value", out var values) || IsOnlyNull(values)) return;
        var actualValues = actual.GetProperty("Value");
        if (values.GetArrayLength() != actualValues.GetArrayLength())
        {
            differences.Add($"{path}: {values.GetArrayLength()} values vs {actualValues.GetArrayLength()}: {Show(values)} vs {Show(actualValues)}");
            return;
        }
        for (var i = 0; i < values.GetArrayLength(); i++)
        {
            var e = values[i];
            var a = actualValues[i];
            if (vr == "SQ")
            {
                CompareDataset(e, a, $"{path}/{i}", differences);
                continue;
            }
            if (!ValueEquals(vr!, e, a)) differences.Add($"{path}[{i}]: {e.GetRawText()} vs {a.GetRawText()}");
        }
    }

    private static bool IsOnlyNull(JsonElement values) =>
        values.GetArrayLength() == 1 && (values[0].ValueKind == JsonValueKind.Null || values[0].ValueKind == JsonValueKind.String && TrimNul(values[0].GetString()!).Length == 0);

    private static string TrimNul(string value) => value.TrimEnd('\0');

    private static bool IsPrivate(string path)
    {
        var key = path[(path.LastIndexOf('/') + 1)..];
        return Convert.ToUInt16(key[..4], 16) % 2 == 1;
    }

    /// <summary>Our UN bytes decoded as the VR dcmtk's private dictionary gave the element (see the class remarks).</summary>
    private static void ComparePrivateAsUN(string vr, JsonElement expected, JsonElement actual, string path, List<string> differences)
    {
        if (vr == "SQ") return;
        var bytes = actual.TryGetProperty("InlineBinary", out var inline) ? inline.GetBytesFromBase64() : [];
        if (expected.TryGetProperty("InlineBinary", out var expectedInline))
        {
            if (!expectedInline.GetBytesFromBase64().AsSpan().SequenceEqual(bytes)) differences.Add($"{path}: {vr} bytes differ from our UN");
            return;
        }
        var expectedValues = expected.TryGetProperty("Value", out var values) && !IsOnlyNull(values)
            ? values.EnumerateArray().Select(v => v.ValueKind switch
            {
                JsonValueKind.Null => "",
                JsonValueKind.String => TrimNul(v.GetString()!),
                JsonValueKind.Object => string.Join('=', v.EnumerateObject().Select(p => p.Value.GetString())),
                _ => v.GetRawText(),
            }).ToList()
            : [];
        var ours = SerializationCorpus.DecodeAs(vr, bytes);
        expectedValues = SerializationCorpus.NormalizeAs(vr, expectedValues);
        if (!ours.SequenceEqual(expectedValues))
            differences.Add($"{path}: {vr} [{string.Join("|", expectedValues)}] vs our UN read as {vr} [{string.Join("|", ours)}]");
    }

    private static List<string> Members(JsonElement attribute)
    {
        var members = attribute.EnumerateObject().Select(p => p.Name).Where(n => n != "vr").ToList();
        // The dcm2json "Value": [null] quirk (see the class remarks).
        if (attribute.TryGetProperty("Value", out var values) && IsOnlyNull(values)) members.Remove("Value");
        return members;
    }

    private static bool ValueEquals(string vr, JsonElement expected, JsonElement actual)
    {
        if (expected.ValueKind == JsonValueKind.Null || actual.ValueKind == JsonValueKind.Null)
            return expected.ValueKind == actual.ValueKind;
        switch (vr)
        {
            case "DS":
            case "IS":
                return TryDecimal(expected, out var d1) && TryDecimal(actual, out var d2) ? d1 == d2 : expected.GetRawText() == actual.GetRawText();
            case "FL":
                return Number(expected, float.Parse) == Number(actual, float.Parse);
            case "FD":
                var e = Number(expected, double.Parse);
                var a = Number(actual, double.Parse);
                return e == a || Math.BitIncrement(e) == a || Math.BitDecrement(e) == a;
            case "PN":
                return expected.ValueKind == JsonValueKind.Object && actual.ValueKind == JsonValueKind.Object &&
                    expected.EnumerateObject().Select(p => (p.Name, p.Value.GetString())).SequenceEqual(
                        actual.EnumerateObject().Select(p => (p.Name, p.Value.GetString())));
            default:
                if (expected.ValueKind == JsonValueKind.Number && actual.ValueKind == JsonValueKind.Number)
                    return expected.GetDecimal() == actual.GetDecimal();
                return expected.ValueKind == JsonValueKind.String && actual.ValueKind == JsonValueKind.String
                    ? TrimNul(expected.GetString()!) == actual.GetString()
                    : expected.ValueKind == actual.ValueKind && expected.GetRawText() == actual.GetRawText();
        }
    }

    private static T Number<T>(JsonElement element, Func<string, IFormatProvider, T> parse) =>
        parse(element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText(), CultureInfo.InvariantCulture);

    private static bool TryDecimal(JsonElement element, out decimal value)
    {
        var text = element.ValueKind == JsonValueKind.String ? element.GetString()!.Trim() : element.GetRawText();
        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    private static string Show(JsonElement element)
    {
        var text = element.GetRawText().Replace("\n", " ", StringComparison.Ordinal);
        return text.Length <= 160 ? text : text[..160] + "…";
    }
}
