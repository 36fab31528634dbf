using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace DicomWeb.Dicom;

/// <summary>Thrown when DICOM JSON cannot be read: malformed JSON, a bad tag key, an unknown VR, a value of the wrong type.</summary>
public sealed class DicomJsonException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DicomJsonException(string message, string? path = null, Exception? inner = null)
        : base(string.IsNullOrEmpty(path) ? message : $"{message} (at {path})", inner)
    {
        Path = path;
    }

    /// <summary>Where the problem is: tags and item indexes from the top level, e.g. "00081115/0/00081150"; null when unknown.</summary>
    public string? Path { get; }
}

/// <summary>
/// Reads the DICOM JSON Model (PS3.18 Annex F) into data sets. Strings become text elements (values joined with
/// backslash, PN component groups with '=', null as an empty value); DS and IS keep each number's literal text;
/// other numbers and AT become little-endian bytes; InlineBinary becomes bytes (encapsulated pixel data becomes a
/// <see cref="DicomFragmentSequence"/> again); BulkDataURI becomes an element with no bytes and
/// <see cref="DicomDataElement.BulkDataUri"/> set. Any problem with the input is a <see cref="DicomJsonException"/>.
/// </summary>
/// <remarks>
/// Lenient where it costs nothing: members may come in any order ("vr" after "Value"), keys may be lower-case hex,
/// unknown members are ignored, a missing "vr" is taken from the data dictionary for known tags, a PN value may be a
/// plain string, and DS, IS, SV, UV, FL and FD values may be strings (F.2.3). Group length elements are dropped.
/// </remarks>
public static class DicomJsonReader
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 512 };

    /// <summary>Reads one DICOM JSON object from UTF-8 bytes.</summary>
    /// <exception cref="DicomJsonException">The input is not a valid DICOM JSON object.</exception>
    public static DicomDataset Read(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(SkipBom(utf8Json), ReaderOptions);
        var result = Read(ref reader);
        EnsureEnd(ref reader);
        return result;
    }

    /// <summary>Reads one DICOM JSON object from a string.</summary>
    /// <exception cref="DicomJsonException">The input is not a valid DICOM JSON object.</exception>
    public static DicomDataset Read(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Read(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Reads one DICOM JSON object from a stream (read to its end).</summary>
    /// <exception cref="DicomJsonException">The input is not a valid DICOM JSON object.</exception>
    public static DicomDataset Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Read(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <summary>Reads one DICOM JSON object from a stream, reading it asynchronously.</summary>
    /// <exception cref="DicomJsonException">The input is not a valid DICOM JSON object.</exception>
    public static async Task<DicomDataset> ReadAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Read(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <summary>
    /// Reads one DICOM JSON object from <paramref name="reader"/>, which is either before it or on its StartObject token
    /// and must hold the whole object (final block: members may come in any order, so values are re-read). Afterwards the
    /// reader is on the object's EndObject token.
    /// </summary>
    /// <exception cref="DicomJsonException">The input is not a valid DICOM JSON object.</exception>
    public static DicomDataset Read(ref Utf8JsonReader reader)
    {
        var context = new Context();
        try
        {
            if (reader.TokenType is JsonTokenType.None or JsonTokenType.PropertyName or JsonTokenType.Comment) context.Next(ref reader);
            if (reader.TokenType != JsonTokenType.StartObject) throw context.Error("a DICOM JSON object must be a JSON object", ref reader);
            return context.ReadDataset(ref reader);
        }
        catch (Exception e) when (IsInputError(e))
        {
            throw context.Wrap(e, ref reader);
        }
    }

    /// <summary>Reads a JSON array of DICOM JSON objects (a QIDO-RS or metadata response) from UTF-8 bytes; a single object gives a list of one.</summary>
    /// <exception cref="DicomJsonException">The input is not valid DICOM JSON.</exception>
    public static IReadOnlyList<DicomDataset> ReadArray(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(SkipBom(utf8Json), ReaderOptions);
        var result = ReadArray(ref reader);
        EnsureEnd(ref reader);
        return result;
    }

    /// <summary>Reads a JSON array of DICOM JSON objects from a string.</summary>
    /// <exception cref="DicomJsonException">The input is not valid DICOM JSON.</exception>
    public static IReadOnlyList<DicomDataset> ReadArray(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return ReadArray(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Reads a JSON array of DICOM JSON objects from a stream (read to its end).</summary>
    /// <exception cref="DicomJsonException">The input is not valid DICOM JSON.</exception>
    public static IReadOnlyList<DicomDataset> ReadArray(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return ReadArray(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <summary>Reads a JSON array of DICOM JSON objects from a stream, reading it asynchronously.</summary>
    /// <exception cref="DicomJsonException">The input is not valid DICOM JSON.</exception>
    public static async Task<IReadOnlyList<DicomDataset>> ReadArrayAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return ReadArray(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <summary>
    /// Reads a JSON array of DICOM JSON objects (or a single object) from <paramref name="reader"/>, which must hold all of it;
    /// afterwards the reader is on the array's EndArray token (or the object's EndObject).
    /// </summary>
    /// <exception cref="DicomJsonException">The input is not valid DICOM JSON.</exception>
    public static IReadOnlyList<DicomDataset> ReadArray(ref Utf8JsonReader reader)
    {
        var context = new Context();
        try
        {
            if (reader.TokenType is JsonTokenType.None or JsonTokenType.PropertyName or JsonTokenType.Comment) context.Next(ref reader);
            if (reader.TokenType == JsonTokenType.StartObject) return [context.ReadDataset(ref reader)];
            if (reader.TokenType != JsonTokenType.StartArray) throw context.Error("expected a JSON array of DICOM JSON objects", ref reader);
            var result = new List<DicomDataset>();
            while (true)
            {
                context.Next(ref reader);
                if (reader.TokenType == JsonTokenType.EndArray) return result;
                if (reader.TokenType != JsonTokenType.StartObject) throw context.Error("array elements must be DICOM JSON objects", ref reader);
                context.Top = result.Count;
                result.Add(context.ReadDataset(ref reader));
            }
        }
        catch (Exception e) when (IsInputError(e))
        {
            throw context.Wrap(e, ref reader);
        }
    }

    private static ReadOnlySpan<byte> SkipBom(ReadOnlySpan<byte> utf8) => utf8.StartsWith("\uFEFF"u8) ? utf8[3..] : utf8;

    private static void EnsureEnd(ref Utf8JsonReader reader)
    {
        try
        {
            if (reader.Read()) throw new DicomJsonException($"unexpected content after the end of the DICOM JSON at byte {reader.TokenStartIndex}");
        }
        catch (JsonException e)
        {
            throw new DicomJsonException($"malformed JSON after the DICOM JSON: {e.Message}", null, e);
        }
    }

    /// <summary>Exceptions that bad input can raise inside the reader (malformed JSON, bad Base64, wrong token types, nesting).</summary>
    private static bool IsInputError(Exception e) =>
        e is JsonException or FormatException or InvalidOperationException or OverflowException or InsufficientExecutionStackException
            or ArgumentException and not ArgumentNullException;

    private sealed class Context
    {
        private readonly List<(DicomTag Tag, int Item)> _path = [];
        private readonly DicomValueCollector _values = new();
        private char[] _chars = new char[256];

        /// <summary>Index of the top-level object in an array, or -1.</summary>
        public int Top { get; set; } = -1;

        public void Next(ref Utf8JsonReader reader)
        {
            if (!reader.Read()) throw Error("unexpected end of JSON", ref reader);
        }

        public DicomDataset ReadDataset(ref Utf8JsonReader reader)
        {
            RuntimeHelpers.EnsureSufficientExecutionStack();
            var dataset = new DicomDataset();
            while (true)
            {
                Next(ref reader);
                if (reader.TokenType == JsonTokenType.EndObject) return dataset;
                var tag = ReadKey(ref reader);
                _path.Add((tag, -1));
                Next(ref reader);
                if (reader.TokenType != JsonTokenType.StartObject) throw Error("an attribute must be a JSON object with \"vr\"", ref reader);
                var element = ReadAttribute(ref reader, tag);
                _path.RemoveAt(_path.Count - 1);
                if (!tag.IsGroupLength) dataset.Set(element);
            }
        }

        private DicomTag ReadKey(ref Utf8JsonReader reader)
        {
            Span<char> key = stackalloc char[16];
            var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
            if (length > 16) throw Error($"attribute key \"{reader.GetString()}\" is not 8 hex digits", ref reader);
            var written = reader.CopyString(key);
            key = key[..written];
            if (written != 8 || !uint.TryParse(key, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var value))
                throw Error($"attribute key \"{key}\" is not 8 hex digits", ref reader);
            return new DicomTag(value);
        }

        private DicomElement ReadAttribute(ref Utf8JsonReader reader, DicomTag tag)
        {
            DicomVR? vr = null;
            var hasValue = false;
            var valueReader = default(Utf8JsonReader);
            DicomElement? value = null;
            byte[]? inlineBinary = null;
            string? bulkDataUri = null;
            var members = 0;
            while (true)
            {
                Next(ref reader);
                if (reader.TokenType == JsonTokenType.EndObject) break;
                if (reader.ValueTextEquals("vr"u8))
                {
                    if (vr is not null) throw Error("\"vr\" given twice", ref reader);
                    Next(ref reader);
                    vr = ReadVR(ref reader);
                }
                else if (reader.ValueTextEquals("Value"u8))
                {
                    Next(ref reader);
                    members++;
                    hasValue = true;
                    // Usually "vr" came first and the value is read at once; otherwise it is read again once "vr" is known.
                    if (vr is { } known) value = ReadValue(ref reader, tag, known);
                    else
                    {
                        valueReader = reader;
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("InlineBinary"u8))
                {
                    Next(ref reader);
                    members++;
                    if (reader.TokenType != JsonTokenType.String) throw Error("\"InlineBinary\" must be a Base64 string", ref reader);
                    try
                    {
                        inlineBinary = reader.GetBytesFromBase64();
                    }
                    catch (FormatException e)
                    {
                        throw Error("\"InlineBinary\" is not valid Base64", ref reader, e);
                    }
                }
                else if (reader.ValueTextEquals("BulkDataURI"u8))
                {
                    Next(ref reader);
                    members++;
                    if (reader.TokenType != JsonTokenType.String) throw Error("\"BulkDataURI\" must be a string", ref reader);
                    bulkDataUri = reader.GetString();
                }
                else
                {
                    // Unknown members (e.g. vendor extensions) are ignored.
                    Next(ref reader);
                    reader.Skip();
                }
            }
            if (vr is null)
            {
                if (!DicomDictionary.TryGetEntry(tag, out var entry) || entry.DefaultVR is DicomVR.None or DicomVR.UN)
                    throw Error("attribute without \"vr\"", ref reader);
                vr = entry.DefaultVR;
            }
            if (members > 1) throw Error("an attribute may have only one of \"Value\", \"InlineBinary\" and \"BulkDataURI\"", ref reader);
            var kind = DicomValueFormat.KindOf(vr.Value);
            if (hasValue) return value ?? ReadValue(ref valueReader, tag, vr.Value);
            if (inlineBinary is not null)
            {
                return DicomValueParse.CreateFromInlineBinary(tag, vr.Value, inlineBinary)
                    ?? throw Error($"\"InlineBinary\" is not allowed for VR {DicomVRInfo.Code(vr.Value)}", ref reader);
            }
            if (bulkDataUri is not null)
            {
                if (kind == DicomValueKind.Sequence) throw Error("\"BulkDataURI\" is not allowed for a sequence", ref reader);
                return new DicomDataElement(tag, vr.Value, ReadOnlyMemory<byte>.Empty) { BulkDataUri = bulkDataUri };
            }
            return DicomValueParse.CreateEmpty(tag, vr.Value);
        }

        /// <summary>Reads a "Value" member (the reader on its first token), leaving the reader on its last token.</summary>
        private DicomElement ReadValue(ref Utf8JsonReader reader, DicomTag tag, DicomVR vr)
        {
            var kind = DicomValueFormat.KindOf(vr);
            if (kind == DicomValueKind.Binary) throw Error($"VR {DicomVRInfo.Code(vr)} takes \"InlineBinary\" or \"BulkDataURI\", not \"Value\"", ref reader);
            if (reader.TokenType == JsonTokenType.Null) return DicomValueParse.CreateEmpty(tag, vr);
            if (reader.TokenType != JsonTokenType.StartArray) throw Error("\"Value\" must be an array", ref reader);
            return kind == DicomValueKind.Sequence ? ReadItems(ref reader, tag) : ReadValues(ref reader, tag, vr, kind);
        }

        private DicomVR ReadVR(ref Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.String) throw Error("\"vr\" must be a string", ref reader);
            ReadOnlySpan<byte> span = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan;
            if (span.Length != 2 || reader.ValueIsEscaped || !DicomVRInfo.TryParse(span[0], span[1], out var vr))
                throw Error($"unknown VR \"{reader.GetString()}\"", ref reader);
            return vr;
        }

        private DicomSequence ReadItems(ref Utf8JsonReader reader, DicomTag tag)
        {
            var sequence = new DicomSequence(tag);
            while (true)
            {
                Next(ref reader);
                if (reader.TokenType == JsonTokenType.EndArray) return sequence;
                if (reader.TokenType != JsonTokenType.StartObject) throw Error("sequence items must be JSON objects", ref reader);
                _path[^1] = (tag, sequence.Items.Count);
                sequence.Add(ReadDataset(ref reader));
                _path[^1] = (tag, -1);
            }
        }

        private DicomDataElement ReadValues(ref Utf8JsonReader reader, DicomTag tag, DicomVR vr, DicomValueKind kind)
        {
            var values = _values;
            values.Reset();
            while (true)
            {
                Next(ref reader);
                var token = reader.TokenType;
                if (token == JsonTokenType.EndArray) break;
                switch (kind)
                {
                    case DicomValueKind.Text:
                        if (token == JsonTokenType.Null) values.AddString(default);
                        else if (token == JsonTokenType.String) values.AddString(ReadChars(ref reader));
                        else throw WrongType(ref reader, vr, "strings");
                        break;
                    case DicomValueKind.NumberText:
                        if (token == JsonTokenType.Null) values.AddString(default);
                        else if (token is JsonTokenType.Number or JsonTokenType.String) values.AddString(ReadChars(ref reader));
                        else throw WrongType(ref reader, vr, "numbers");
                        break;
                    case DicomValueKind.Number:
                    case DicomValueKind.Tag:
                        if (token is not (JsonTokenType.Number or JsonTokenType.String) || (kind == DicomValueKind.Tag && token != JsonTokenType.String))
                            throw WrongType(ref reader, vr, kind == DicomValueKind.Tag ? "\"GGGGEEEE\" strings" : "numbers");
                        var text = ReadChars(ref reader);
                        if (!values.AddNumber(vr, text)) throw Error($"\"{text}\" is not a valid {DicomVRInfo.Code(vr)} value", ref reader);
                        break;
                    case DicomValueKind.PersonName:
                        if (token == JsonTokenType.Null) values.AddString(default);
                        else if (token == JsonTokenType.String) values.AddString(ReadChars(ref reader));
                        else if (token == JsonTokenType.StartObject) ReadPersonName(ref reader, values);
                        else throw WrongType(ref reader, vr, "person name objects");
                        break;
                }
            }
            return values.Build(tag, vr);
        }

        private void ReadPersonName(ref Utf8JsonReader reader, DicomValueCollector values)
        {
            string? alphabetic = null, ideographic = null, phonetic = null;
            while (true)
            {
                Next(ref reader);
                if (reader.TokenType == JsonTokenType.EndObject) break;
                var group = reader.ValueTextEquals("Alphabetic"u8) ? 0 : reader.ValueTextEquals("Ideographic"u8) ? 1 : reader.ValueTextEquals("Phonetic"u8) ? 2 : -1;
                if (group < 0) throw Error($"unknown person name component group \"{reader.GetString()}\"", ref reader);
                Next(ref reader);
                if (reader.TokenType != JsonTokenType.String && reader.TokenType != JsonTokenType.Null)
                    throw Error("person name component groups must be strings", ref reader);
                var text = reader.TokenType == JsonTokenType.Null ? string.Empty : reader.GetString();
                if (group == 0) alphabetic = text;
                else if (group == 1) ideographic = text;
                else phonetic = text;
            }
            DicomValueParse.AppendPersonName(values.NextString(), alphabetic, ideographic, phonetic);
        }

        /// <summary>The current string or number token as chars in a reused buffer (numbers are their literal text).</summary>
        private ReadOnlySpan<char> ReadChars(ref Utf8JsonReader reader)
        {
            var length = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
            if (_chars.Length < length) _chars = new char[Math.Max(length, _chars.Length * 2)];
            if (reader.TokenType == JsonTokenType.Number)
            {
                ReadOnlySpan<byte> raw = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan;
                for (var i = 0; i < raw.Length; i++) _chars[i] = (char)raw[i];
                return _chars.AsSpan(0, raw.Length);
            }
            var written = reader.CopyString(_chars);
            return _chars.AsSpan(0, written);
        }

        private DicomJsonException WrongType(ref Utf8JsonReader reader, DicomVR vr, string expected) =>
            Error($"{reader.TokenType} where VR {DicomVRInfo.Code(vr)} takes {expected}", ref reader);

        public DicomJsonException Error(string message, ref Utf8JsonReader reader, Exception? inner = null) =>
            new($"{message} at byte {reader.TokenStartIndex}", PathString(), inner);

        public DicomJsonException Wrap(Exception e, ref Utf8JsonReader reader) => e switch
        {
            DicomJsonException dje => dje,
            JsonException je => new DicomJsonException($"malformed JSON: {je.Message}", PathString(), je),
            InsufficientExecutionStackException => new DicomJsonException("sequences nested too deeply", PathString(), e),
            _ => Error($"invalid DICOM JSON: {e.Message}", ref reader, e),
        };

        private string PathString()
        {
            var builder = new StringBuilder();
            if (Top >= 0) builder.Append('[').Append(Top).Append(']');
            foreach (var (tag, item) in _path)
            {
                if (builder.Length > 0) builder.Append('/');
                builder.Append(tag.ToHexString());
                if (item >= 0) builder.Append('/').Append(item);
            }
            return builder.ToString();
        }
    }
}
