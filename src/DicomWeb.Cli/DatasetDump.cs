using System.Globalization;
using DicomWeb.Dicom;

namespace DicomWeb.Cli;

/// <summary>Writes a readable listing of a file: one line per element with its offset, tag, VR, length, value and keyword.</summary>
public static class DatasetDump
{
    private const int MaxTextWidth = 64;
    private const int MaxNumbers = 8;

    /// <summary>Writes the listing of <paramref name="file"/> to <paramref name="output"/>.</summary>
    public static void Write(TextWriter output, DicomFile file)
    {
        output.WriteLine($"# Transfer syntax: {file.TransferSyntax.Uid} ({file.TransferSyntax.Name})");
        output.WriteLine($"# Preamble: {(file.Preamble is null ? "none" : "128 bytes + DICM")}");
        if (file.FileMetaInformation.Count > 0)
        {
            output.WriteLine("# File meta information");
            WriteDataset(output, file.FileMetaInformation, 0);
        }
        output.WriteLine("# Data set");
        WriteDataset(output, file.Dataset, 0);
        foreach (var warning in file.Warnings) output.WriteLine($"# warning {warning}");
    }

    private static void WriteDataset(TextWriter output, DicomDataset dataset, int depth)
    {
        var indent = new string('>', depth);
        foreach (var element in dataset)
        {
            var offset = element.StreamOffset >= 0 ? element.StreamOffset.ToString("D8", CultureInfo.InvariantCulture) : "--------";
            var keyword = DicomDictionary.GetKeyword(element.Tag) ?? "?";
            var vr = DicomVRInfo.Code(element.VR);
            switch (element)
            {
                case DicomSequence sequence:
                    output.WriteLine($"{offset} {indent}{element.Tag} {vr} {LengthText(element)} [{sequence.Items.Count} item(s)] # {keyword}");
                    for (var i = 0; i < sequence.Items.Count; i++)
                    {
                        var item = sequence.Items[i];
                        var itemOffset = item.StreamOffset >= 0 ? item.StreamOffset.ToString("D8", CultureInfo.InvariantCulture) : "--------";
                        output.WriteLine($"{itemOffset} {indent}> (FFFE,E000) item #{i + 1}{(item.UndefinedLength ? " u/l" : "")}");
                        WriteDataset(output, item, depth + 1);
                    }
                    break;
                case DicomFragmentSequence fragments:
                    output.WriteLine($"{offset} {indent}{element.Tag} {vr} u/l [offset table {fragments.BasicOffsetTable.Length} entries, {fragments.Fragments.Count} fragment(s)] # {keyword}");
                    for (var i = 0; i < fragments.Fragments.Count; i++)
                    {
                        var fragment = fragments.Fragments[i];
                        output.WriteLine($"{fragment.StreamOffset:D8} {indent}> fragment #{i + 1} {fragment.Length} bytes");
                    }
                    break;
                case DicomDataElement data:
                    output.WriteLine($"{offset} {indent}{element.Tag} {vr} {LengthText(element)} [{ValueText(dataset, data)}] # {keyword}");
                    break;
            }
        }
    }

    private static string LengthText(DicomElement element) =>
        element.SourceLength == 0xFFFFFFFF ? "u/l" : element.SourceLength >= 0 ? element.SourceLength.ToString(CultureInfo.InvariantCulture) : "-";

    private static string ValueText(DicomDataset dataset, DicomDataElement element)
    {
        if (element.BulkDataUri is { } uri) return $"BulkDataURI {uri}";
        if (element.BulkData is { } bulk) return $"{bulk.Length} bytes not loaded";
        try
        {
            return element.VR switch
            {
                DicomVR.US => Numbers(element.GetValues<ushort>()),
                DicomVR.SS => Numbers(element.GetValues<short>()),
                DicomVR.UL => Numbers(element.GetValues<uint>()),
                DicomVR.SL => Numbers(element.GetValues<int>()),
                DicomVR.FL => Numbers(element.GetValues<float>()),
                DicomVR.FD => Numbers(element.GetValues<double>()),
                DicomVR.SV => Numbers(element.GetValues<long>()),
                DicomVR.UV => Numbers(element.GetValues<ulong>()),
                DicomVR.AT => string.Join('\\', element.GetTags().Select(t => t.ToString())),
                _ when DicomVRInfo.IsString(element.VR) => Shorten(element.GetString(dataset.CharacterSet)),
                _ => $"{element.ByteLength} bytes",
            };
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            return $"unreadable: {e.Message}";
        }
    }

    private static string Numbers<T>(ReadOnlySpan<T> values) where T : IFormattable
    {
        var shown = Math.Min(values.Length, MaxNumbers);
        var parts = new string[shown];
        for (var i = 0; i < shown; i++) parts[i] = values[i].ToString(null, CultureInfo.InvariantCulture);
        var text = string.Join('\\', parts);
        return values.Length > shown ? $"{text}\\… ({values.Length} values)" : text;
    }

    private static string Shorten(string text)
    {
        text = text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
        return text.Length > MaxTextWidth ? string.Concat(text.AsSpan(0, MaxTextWidth), "…") : text;
    }
}
