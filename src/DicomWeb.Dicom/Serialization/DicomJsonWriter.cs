using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace DicomWeb.Dicom;

/// <summary>Options for <see cref="DicomJsonWriter"/>.</summary>
public sealed class DicomJsonWriterOptions
{
    /// <summary>Everything inline, no file meta group, compact output.</summary>
    public static DicomJsonWriterOptions Default { get; } = new();

    /// <summary>How binary values (OB, OD, OF, OL, OV, OW, UN, encapsulated pixel data) are written: inline or as BulkDataURI.</summary>
    public DicomBulkDataPolicy BulkData { get; init; } = DicomBulkDataPolicy.InlineAll;

    /// <summary>Write group 0002 elements found in the data set (default false: they are skipped).</summary>
    public bool IncludeFileMetaGroup { get; init; }

    /// <summary>Indent the output of the convenience methods that create their own <see cref="Utf8JsonWriter"/>.</summary>
    public bool Indented { get; init; }
}

/// <summary>
/// Writes data sets in the DICOM JSON Model (PS3.18 Annex F) to a <see cref="Utf8JsonWriter"/>, streaming: values are
/// written as they are read from the data set, strings that are plain ASCII go out without being decoded, and bulk data
/// is Base64-encoded in chunks.
/// </summary>
/// <remarks>
/// Mapping: keys are the eight upper-case hex digits of the tag in tag order; "vr" always; "Value" only when the
/// element has at least one value; an empty value among several is null (F.2.5); PN values are objects with the
/// non-empty "Alphabetic", "Ideographic" and "Phonetic" groups; AT values are "GGGGEEEE" strings.
/// Numbers (F.2.3): US, SS, UL, SL, FL, FD are JSON numbers; SV and UV are numbers up to ±2^53 and decimal strings
/// beyond, where an IEEE double (a JavaScript number) would change the value; non-finite FL/FD values, which JSON numbers
/// cannot express, are the strings "NaN", "Infinity" and "-Infinity". DS and IS are numbers written from their own text
/// (normalized where it is not JSON number syntax: "+1.5" → 1.5, ".5" → 0.5, "1." → 1); a DS or IS value that is not a
/// decimal number, is not finite, or is an IS beyond ±2^53 is written as a JSON string holding its text, which the note to
/// Table F.2.3-1 permits "to preserve the original format" or "to avoid losing precision".
/// Binary values are "InlineBinary" (Base64 of the little-endian value; for encapsulated pixel data the encapsulated
/// byte stream, items with their headers and the sequence delimiter) or "BulkDataURI" as the policy decides; an element
/// read with a BulkDataURI writes it back. Group length elements are never written; group 0002 only on request.
/// </remarks>
public static class DicomJsonWriter
{
    private static readonly JsonEncodedText VrName = JsonEncodedText.Encode("vr");
    private static readonly JsonEncodedText ValueName = JsonEncodedText.Encode("Value");
    private static readonly JsonEncodedText InlineBinaryName = JsonEncodedText.Encode("InlineBinary");
    private static readonly JsonEncodedText BulkDataUriName = JsonEncodedText.Encode("BulkDataURI");
    private static readonly JsonEncodedText[] GroupNames =
        [JsonEncodedText.Encode("Alphabetic"), JsonEncodedText.Encode("Ideographic"), JsonEncodedText.Encode("Phonetic")];

    private const int FlushThreshold = 64 * 1024;
    private const int ChunkSize = 48 * 1024;

    /// <summary>Writes <paramref name="dataset"/> as one DICOM JSON object.</summary>
    public static void Write(Utf8JsonWriter writer, DicomDataset dataset, DicomJsonWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(dataset);
        new Context(options ?? DicomJsonWriterOptions.Default).WriteDataset(writer, dataset);
    }

    /// <summary>Writes a JSON array of DICOM JSON objects (a QIDO-RS or metadata response).</summary>
    public static void WriteArray(Utf8JsonWriter writer, IEnumerable<DicomDataset> datasets, DicomJsonWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(datasets);
        var context = new Context(options ?? DicomJsonWriterOptions.Default);
        writer.WriteStartArray();
        foreach (var dataset in datasets) context.WriteDataset(writer, dataset);
        writer.WriteEndArray();
    }

    /// <summary>
    /// Writes <paramref name="dataset"/> as UTF-8 DICOM JSON to <paramref name="stream"/>, flushing asynchronously as
    /// output accumulates (no synchronous writes to the stream).
    /// </summary>
    public static async Task WriteAsync(Stream stream, DicomDataset dataset, DicomJsonWriterOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(dataset);
        options ??= DicomJsonWriterOptions.Default;
        var writer = new Utf8JsonWriter(stream, CreateWriterOptions(options));
        await using (writer.ConfigureAwait(false))
        {
            var context = new Context(options);
            await context.WriteDatasetAsync(writer, dataset, cancellationToken).ConfigureAwait(false);
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes a JSON array of DICOM JSON objects to <paramref name="stream"/>, flushing asynchronously.</summary>
    public static async Task WriteArrayAsync(Stream stream, IEnumerable<DicomDataset> datasets, DicomJsonWriterOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(datasets);
        options ??= DicomJsonWriterOptions.Default;
        var writer = new Utf8JsonWriter(stream, CreateWriterOptions(options));
        await using (writer.ConfigureAwait(false))
        {
            var context = new Context(options);
            writer.WriteStartArray();
            foreach (var dataset in datasets) await context.WriteDatasetAsync(writer, dataset, cancellationToken).ConfigureAwait(false);
            writer.WriteEndArray();
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The data set as a DICOM JSON string (for tests and tools).</summary>
    public static string ToJson(DicomDataset dataset, DicomJsonWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        options ??= DicomJsonWriterOptions.Default;
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, CreateWriterOptions(options))) Write(writer, dataset, options);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Several data sets as a DICOM JSON array string.</summary>
    public static string ToJson(IEnumerable<DicomDataset> datasets, DicomJsonWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        options ??= DicomJsonWriterOptions.Default;
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, CreateWriterOptions(options))) WriteArray(writer, datasets, options);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// Writer options for DICOM JSON: non-ASCII text is written as UTF-8 rather than \u escapes (the output is
    /// application/dicom+json, not embedded in HTML), structure validation is skipped (the writer's own output is well formed).
    /// </summary>
    public static JsonWriterOptions CreateWriterOptions(DicomJsonWriterOptions? options = null) => new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = options?.Indented ?? false,
        SkipValidation = true,
    };

    private sealed class Context(DicomJsonWriterOptions options)
    {
        private readonly DicomPathTracker _path = new();
        private byte[]? _chunk;

        public async Task WriteDatasetAsync(Utf8JsonWriter writer, DicomDataset dataset, CancellationToken cancellationToken)
        {
            writer.WriteStartObject();
            var characterSet = dataset.CharacterSet;
            for (var i = 0; i < dataset.Count; i++)
            {
                var element = dataset[i];
                if (!DicomValueFormat.ShouldWrite(element, options.IncludeFileMetaGroup)) continue;
                WriteElement(writer, characterSet, element);
                if (writer.BytesPending >= FlushThreshold) await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            writer.WriteEndObject();
        }

        public void WriteDataset(Utf8JsonWriter writer, DicomDataset dataset)
        {
            writer.WriteStartObject();
            var characterSet = dataset.CharacterSet;
            for (var i = 0; i < dataset.Count; i++)
            {
                var element = dataset[i];
                if (DicomValueFormat.ShouldWrite(element, options.IncludeFileMetaGroup)) WriteElement(writer, characterSet, element);
            }
            writer.WriteEndObject();
        }

        private void WriteElement(Utf8JsonWriter writer, DicomCharacterSet characterSet, DicomElement element)
        {
            Span<byte> key = stackalloc byte[8];
            DicomValueFormat.FormatTag(element.Tag.Value, key);
            writer.WritePropertyName(key);
            writer.WriteStartObject();
            var vr = DicomValueFormat.WrittenVR(element);
            Span<byte> vrText = stackalloc byte[2];
            DicomValueFormat.FormatVR(vr, vrText);
            writer.WriteString(VrName, vrText);

            if (element is DicomDataElement { BulkDataUri: { } uri })
            {
                writer.WriteString(BulkDataUriName, uri);
            }
            else if (element is DicomSequence sequence)
            {
                WriteSequence(writer, sequence);
            }
            else if (element is DicomDataElement data && DicomValueFormat.KindOf(vr) is var kind && kind != DicomValueKind.Binary)
            {
                switch (kind)
                {
                    case DicomValueKind.Text: WriteStrings(writer, data, vr, characterSet, personName: false); break;
                    case DicomValueKind.PersonName: WriteStrings(writer, data, vr, characterSet, personName: true); break;
                    case DicomValueKind.NumberText: WriteNumberTexts(writer, data, vr, characterSet); break;
                    case DicomValueKind.Tag: WriteTags(writer, data); break;
                    case DicomValueKind.Number: WriteNumbers(writer, data, vr); break;
                }
            }
            else
            {
                WriteBinary(writer, element);
            }
            writer.WriteEndObject();
        }

        private void WriteSequence(Utf8JsonWriter writer, DicomSequence sequence)
        {
            if (sequence.Items.Count == 0) return;
            writer.WritePropertyName(ValueName);
            writer.WriteStartArray();
            for (var i = 0; i < sequence.Items.Count; i++)
            {
                _path.Push(sequence.Tag, i);
                WriteDataset(writer, sequence.Items[i]);
                _path.Pop();
            }
            writer.WriteEndArray();
        }

        private static void WriteStrings(Utf8JsonWriter writer, DicomDataElement element, DicomVR vr, DicomCharacterSet characterSet, bool personName)
        {
            if (DicomValueFormat.TryGetAsciiBytes(element, out var bytes)) WriteStrings(writer, bytes, vr, personName);
            else WriteStrings(writer, DicomValueFormat.GetText(element, characterSet).AsSpan(), vr, personName);
        }

        private static void WriteStrings<T>(Utf8JsonWriter writer, ReadOnlySpan<T> whole, DicomVR vr, bool personName) where T : unmanaged
        {
            var values = new DicomValueSplitter<T>(whole, vr);
            if (values.IsEmpty || (personName && DicomValueFormat.HasNoPersonNames(whole))) return;
            writer.WritePropertyName(ValueName);
            writer.WriteStartArray();
            while (values.MoveNext(out var value))
            {
                if (value.IsEmpty || (personName && DicomValueFormat.IsEmptyPersonName(value))) writer.WriteNullValue();
                else if (!personName) WriteString(writer, value);
                else
                {
                    // Trailing empty components are left out (PS3.5 §6.2.1.1 lets them be omitted), as are empty groups.
                    DicomValueFormat.SplitGroups(value, out var alphabetic, out var ideographic, out var phonetic);
                    alphabetic = DicomValueFormat.TrimGroup(alphabetic);
                    ideographic = DicomValueFormat.TrimGroup(ideographic);
                    phonetic = DicomValueFormat.TrimGroup(phonetic);
                    writer.WriteStartObject();
                    if (!alphabetic.IsEmpty) { writer.WritePropertyName(GroupNames[0]); WriteString(writer, alphabetic); }
                    if (!ideographic.IsEmpty) { writer.WritePropertyName(GroupNames[1]); WriteString(writer, ideographic); }
                    if (!phonetic.IsEmpty) { writer.WritePropertyName(GroupNames[2]); WriteString(writer, phonetic); }
                    writer.WriteEndObject();
                }
            }
            writer.WriteEndArray();
        }

        private static void WriteString<T>(Utf8JsonWriter writer, ReadOnlySpan<T> value) where T : unmanaged
        {
            if (typeof(T) == typeof(byte)) writer.WriteStringValue(System.Runtime.InteropServices.MemoryMarshal.Cast<T, byte>(value));
            else writer.WriteStringValue(System.Runtime.InteropServices.MemoryMarshal.Cast<T, char>(value));
        }

        private static void WriteNumberTexts(Utf8JsonWriter writer, DicomDataElement element, DicomVR vr, DicomCharacterSet characterSet)
        {
            if (DicomValueFormat.TryGetAsciiBytes(element, out var bytes)) WriteNumberTexts(writer, bytes, vr);
            else WriteNumberTexts(writer, DicomValueFormat.GetText(element, characterSet).AsSpan(), vr);
        }

        private static void WriteNumberTexts<T>(Utf8JsonWriter writer, ReadOnlySpan<T> whole, DicomVR vr) where T : unmanaged
        {
            var values = new DicomValueSplitter<T>(whole, vr);
            if (values.IsEmpty) return;
            writer.WritePropertyName(ValueName);
            writer.WriteStartArray();
            Span<char> buffer = stackalloc char[64];
            while (values.MoveNext(out var value))
            {
                if (value.IsEmpty) writer.WriteNullValue();
                else if (typeof(T) == typeof(byte) && DicomValueFormat.IsFiniteJsonNumber(value, vr))
                    writer.WriteRawValue(System.Runtime.InteropServices.MemoryMarshal.Cast<T, byte>(value), skipInputValidation: true);
                else if (value.Length + 2 <= buffer.Length && DicomValueFormat.TryFormatNumberText(value, vr, buffer, out var written))
                    writer.WriteRawValue(buffer[..written], skipInputValidation: true);
                else WriteString(writer, value);
            }
            writer.WriteEndArray();
        }

        private static void WriteTags(Utf8JsonWriter writer, DicomDataElement element)
        {
            var bytes = DicomValueFormat.GetNumericBytes(element).Span;
            var count = DicomValueFormat.CountNumbers(DicomVR.AT, bytes.Length);
            if (count == 0) return;
            writer.WritePropertyName(ValueName);
            writer.WriteStartArray();
            Span<byte> text = stackalloc byte[8];
            for (var i = 0; i < count; i++)
            {
                DicomValueFormat.FormatTag(DicomValueFormat.ReadTag(bytes, i), text);
                writer.WriteStringValue(text);
            }
            writer.WriteEndArray();
        }

        private static void WriteNumbers(Utf8JsonWriter writer, DicomDataElement element, DicomVR vr)
        {
            var bytes = DicomValueFormat.GetNumericBytes(element).Span;
            var count = DicomValueFormat.CountNumbers(vr, bytes.Length);
            if (count == 0) return;
            writer.WritePropertyName(ValueName);
            writer.WriteStartArray();
            Span<char> text = stackalloc char[32];
            for (var i = 0; i < count; i++)
            {
                var length = DicomValueFormat.FormatNumber(vr, bytes, i, text, "NaN", "Infinity", "-Infinity", out var isJsonNumber);
                if (isJsonNumber) writer.WriteRawValue(text[..length], skipInputValidation: true);
                else writer.WriteStringValue(text[..length]);
            }
            writer.WriteEndArray();
        }

        private void WriteBinary(Utf8JsonWriter writer, DicomElement element)
        {
            var uri = _path.GetBulkDataUri(options.BulkData, element);
            if (uri is not null)
            {
                writer.WriteString(BulkDataUriName, uri);
                return;
            }
            if (element is DicomDataElement { BulkData: null } data)
            {
                var bytes = data.GetBytes().Span;
                if (bytes.IsEmpty) return;
                writer.WriteBase64String(InlineBinaryName, bytes);
                return;
            }
            if (element is DicomDataElement { BulkData.Length: 0 }) return;
            writer.WritePropertyName(InlineBinaryName);
            using var stream = DicomValueFormat.OpenBinary(element);
            var chunk = _chunk ??= new byte[ChunkSize];
            int read;
            while ((read = stream.ReadAtLeast(chunk, chunk.Length, throwOnEndOfStream: false)) > 0)
                writer.WriteBase64StringSegment(chunk.AsSpan(0, read), isFinalSegment: false);
            writer.WriteBase64StringSegment(ReadOnlySpan<byte>.Empty, isFinalSegment: true);
        }
    }
}
