using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Xml;

namespace DicomWeb.Dicom;

/// <summary>Thrown when Native DICOM Model XML cannot be read: malformed XML, a bad tag, an unknown VR, an invalid value.</summary>
public sealed class DicomXmlException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DicomXmlException(string message, string? path = null, int lineNumber = 0, int linePosition = 0, Exception? inner = null)
        : base(Describe(message, path, lineNumber, linePosition), inner)
    {
        Path = path;
        LineNumber = lineNumber;
        LinePosition = linePosition;
    }

    /// <summary>Where the problem is: tags and item indexes from the top level, e.g. "00081115/0/00081150"; null when unknown.</summary>
    public string? Path { get; }

    /// <summary>Line of the problem in the document (1-based), or 0.</summary>
    public int LineNumber { get; }

    /// <summary>Position in the line (1-based), or 0.</summary>
    public int LinePosition { get; }

    private static string Describe(string message, string? path, int line, int position)
    {
        var text = string.IsNullOrEmpty(path) ? message : $"{message} (at {path})";
        return line > 0 ? $"{text}, line {line} position {position}" : text;
    }
}

/// <summary>
/// Reads the Native DICOM Model (PS3.19 Annex A.1) into a data set, with the same mapping as <see cref="DicomJsonReader"/>:
/// strings become text elements (values joined with backslash, person name components with '^' and groups with '='),
/// DS and IS keep their text, other numbers and AT become little-endian bytes, InlineBinary becomes bytes, BulkData
/// becomes an element with <see cref="DicomDataElement.BulkDataUri"/> set. Any problem is a <see cref="DicomXmlException"/>.
/// </summary>
/// <remarks>
/// Private data elements written as "gggg00ee" with <c>privateCreator</c> are placed in the block their creator reserves in
/// the same data set, or in a newly reserved block when the creator is not there. Lenient about what clients send
/// (e.g. STOW-RS metadata): the namespace may be missing, attributes may come in any order, <c>vr</c> may be left out for
/// standard attributes (taken from the dictionary), <c>tag</c> may be left out when <c>keyword</c> names a standard
/// attribute, unknown elements are skipped, Value numbers may skip empty values. Document type declarations are
/// ignored and no external resources are resolved.
/// </remarks>
public static class DicomXmlReader
{
    /// <summary>Reads a Native DICOM Model document from a stream.</summary>
    /// <exception cref="DicomXmlException">The input is not a valid Native DICOM Model document.</exception>
    public static DicomDataset Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        XmlReader reader;
        try
        {
            reader = XmlReader.Create(stream, CreateReaderSettings());
        }
        catch (XmlException e)
        {
            throw new DicomXmlException($"malformed XML: {e.Message}", null, e.LineNumber, e.LinePosition, e);
        }
        using (reader) return Read(reader);
    }

    /// <summary>Reads a Native DICOM Model document from a string.</summary>
    /// <exception cref="DicomXmlException">The input is not a valid Native DICOM Model document.</exception>
    public static DicomDataset Read(string xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        using var reader = XmlReader.Create(new StringReader(xml), CreateReaderSettings());
        return Read(reader);
    }

    /// <summary>Reads a Native DICOM Model document from a stream, reading it asynchronously first.</summary>
    /// <exception cref="DicomXmlException">The input is not a valid Native DICOM Model document.</exception>
    public static async Task<DicomDataset> ReadAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        buffer.Position = 0;
        return Read(buffer);
    }

    /// <summary>
    /// Reads the <c>NativeDicomModel</c> element at or after the reader's position (leaving the reader after it).
    /// Use settings like <see cref="CreateReaderSettings"/> for untrusted input.
    /// </summary>
    /// <exception cref="DicomXmlException">The input is not a valid Native DICOM Model document.</exception>
    public static DicomDataset Read(XmlReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var context = new Context(reader);
        try
        {
            if (reader.MoveToContent() != XmlNodeType.Element || reader.LocalName != "NativeDicomModel" || !Context.IsModelNamespace(reader))
                throw context.Error($"expected a NativeDicomModel element, found {reader.NodeType} '{reader.Name}'");
            return context.ReadDataset();
        }
        catch (Exception e) when (e is XmlException or FormatException or InvalidOperationException or OverflowException
                                      or InsufficientExecutionStackException or (ArgumentException and not ArgumentNullException))
        {
            throw context.Wrap(e);
        }
    }

    /// <summary>
    /// Reader settings for untrusted input: DTDs ignored, nothing resolved, comments and processing instructions skipped,
    /// and character checking off so that the character references <see cref="DicomXmlWriter"/> writes for control
    /// characters read back.
    /// </summary>
    public static XmlReaderSettings CreateReaderSettings() => new()
    {
        DtdProcessing = DtdProcessing.Ignore,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        CheckCharacters = false,
        CloseInput = false,
    };

    private sealed class Context(XmlReader reader)
    {
        private readonly List<(DicomTag Tag, int Item)> _path = [];
        private readonly DicomValueCollector _values = new();
        private readonly string?[] _components = new string?[5];
        private readonly string?[] _groups = new string?[3];
        private readonly MemoryStream _binary = new();
        private readonly byte[] _chunk = new byte[16 * 1024];

        public static bool IsModelNamespace(XmlReader reader) =>
            reader.NamespaceURI.Length == 0 || reader.NamespaceURI == DicomXmlWriter.Namespace;

        private bool Is(string localName) => reader.LocalName == localName && IsModelNamespace(reader);

        /// <summary>Reads the DicomAttribute children of the current element (NativeDicomModel or Item) into a data set.</summary>
        public DicomDataset ReadDataset()
        {
            RuntimeHelpers.EnsureSufficientExecutionStack();
            var dataset = new DicomDataset();
            List<(DicomElement Element, string Creator)>? privates = null;
            if (reader.IsEmptyElement)
            {
                reader.Read();
                return dataset;
            }
            reader.Read();
            while (NextChild())
            {
                if (!Is("DicomAttribute"))
                {
                    reader.Skip();
                    continue;
                }
                var (element, creator) = ReadAttribute();
                if (element is null) continue;
                if (creator is not null) (privates ??= []).Add((element, creator));
                else dataset.Set(element);
            }
            if (privates is not null) PlacePrivateElements(dataset, privates);
            return dataset;
        }

        /// <summary>Moves to the next child element; false (after consuming it) at the parent's end tag.</summary>
        private bool NextChild()
        {
            while (true)
            {
                switch (reader.MoveToContent())
                {
                    case XmlNodeType.Element:
                        return true;
                    case XmlNodeType.EndElement:
                        reader.Read();
                        return false;
                    case XmlNodeType.Text or XmlNodeType.CDATA:
                        if (!string.IsNullOrWhiteSpace(reader.Value)) throw Error($"unexpected text '{Shorten(reader.Value)}'");
                        reader.Read();
                        break;
                    case XmlNodeType.None:
                        throw Error("unexpected end of the document");
                    default:
                        reader.Read();
                        break;
                }
            }
        }

        private (DicomElement? Element, string? Creator) ReadAttribute()
        {
            var tagText = reader.GetAttribute("tag");
            var vrText = reader.GetAttribute("vr");
            var keyword = reader.GetAttribute("keyword");
            var creator = reader.GetAttribute("privateCreator");

            DicomTag tag;
            if (tagText is not null)
            {
                if (tagText.Trim().Length != 8 || !DicomTag.TryParse(tagText, out tag)) throw Error($"tag \"{tagText}\" is not 8 hex digits");
            }
            else if (keyword is null || !DicomDictionary.TryGetTag(keyword, out tag))
                throw Error(keyword is null ? "DicomAttribute without a tag" : $"DicomAttribute without a tag and with unknown keyword \"{keyword}\"");

            // "gggg00ee" with a creator: a private data element whose block is found at the end of the data set.
            if (string.IsNullOrWhiteSpace(creator) || !tag.IsPrivate || (tag.Element & 0xFF00) != 0) creator = null;
            _path.Add((tag, -1));

            DicomVR vr;
            if (vrText is not null)
            {
                if (!DicomVRInfo.TryParse(vrText.AsSpan().Trim(), out vr)) throw Error($"unknown VR \"{vrText}\"");
            }
            else
            {
                vr = creator is null ? DicomDictionary.GetDefaultVR(tag) : DicomVR.UN;
                if (vr is DicomVR.None or DicomVR.UN) throw Error("DicomAttribute without a vr");
            }

            var element = ReadContent(tag, vr);
            _path.RemoveAt(_path.Count - 1);
            if (creator is null && tag.IsGroupLength) return (null, null);
            return (element, creator?.Trim());
        }

        private DicomElement ReadContent(DicomTag tag, DicomVR vr)
        {
            var kind = DicomValueFormat.KindOf(vr);
            var values = _values;
            values.Reset();
            DicomSequence? sequence = null;
            byte[]? inline = null;
            string? bulkDataUri = null;
            var forms = 0;
            if (reader.IsEmptyElement)
            {
                reader.Read();
                return DicomValueParse.CreateEmpty(tag, vr);
            }
            reader.Read();
            while (NextChild())
            {
                if (!IsModelNamespace(reader))
                {
                    reader.Skip();
                    continue;
                }
                switch (reader.LocalName)
                {
                    case "Value":
                        if (kind is DicomValueKind.Sequence or DicomValueKind.Binary)
                            throw Error($"VR {DicomVRInfo.Code(vr)} takes {(kind == DicomValueKind.Sequence ? "Item" : "InlineBinary or BulkData")}, not Value");
                        if (values.Count == 0) forms++;
                        FillGap(kind, vr);
                        var text = ReadText();
                        if (kind is DicomValueKind.Number or DicomValueKind.Tag)
                        {
                            if (!values.AddNumber(vr, text)) throw Error($"\"{Shorten(text)}\" is not a valid {DicomVRInfo.Code(vr)} value");
                        }
                        else values.AddString(text);
                        break;
                    case "PersonName":
                        if (kind != DicomValueKind.PersonName) throw Error($"PersonName in an attribute of VR {DicomVRInfo.Code(vr)}");
                        if (values.Count == 0) forms++;
                        FillGap(kind, vr);
                        ReadPersonName(values);
                        break;
                    case "InlineBinary":
                        forms++;
                        inline = ReadBase64();
                        break;
                    case "BulkData":
                        forms++;
                        bulkDataUri = reader.GetAttribute("uri") ?? reader.GetAttribute("uuid")
                            ?? throw Error("BulkData without a uri");
                        reader.Skip();
                        break;
                    case "Item":
                        if (kind != DicomValueKind.Sequence) throw Error($"Item in an attribute of VR {DicomVRInfo.Code(vr)}");
                        if (sequence is null)
                        {
                            forms++;
                            sequence = new DicomSequence(tag);
                        }
                        CheckNumber(sequence.Items.Count + 1, exact: true);
                        _path[^1] = (tag, sequence.Items.Count);
                        var item = ReadDataset();
                        _path[^1] = (tag, -1);
                        sequence.Add(item);
                        // ReadDataset may have reused the collector for nested attributes; sequences have no values of their own.
                        values.Reset();
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
            if (forms > 1) throw Error("an attribute may have only one of Value/PersonName, InlineBinary, BulkData and Item");
            if (sequence is not null) return sequence;
            if (inline is not null)
                return DicomValueParse.CreateFromInlineBinary(tag, vr, inline) ?? throw Error($"InlineBinary is not allowed for VR {DicomVRInfo.Code(vr)}");
            if (bulkDataUri is not null)
            {
                if (kind == DicomValueKind.Sequence) throw Error("BulkData is not allowed for a sequence");
                return new DicomDataElement(tag, vr, ReadOnlyMemory<byte>.Empty) { BulkDataUri = bulkDataUri };
            }
            return values.Count == 0 ? DicomValueParse.CreateEmpty(tag, vr) : values.Build(tag, vr);
        }

        /// <summary>
        /// Checks the number attribute of a Value or PersonName: values come in order; a number that skips ahead stands for
        /// empty values in between (strings only).
        /// </summary>
        private void FillGap(DicomValueKind kind, DicomVR vr)
        {
            var expected = _values.Count + 1;
            var number = CheckNumber(expected, exact: false);
            if (number == expected) return;
            if (kind is DicomValueKind.Number or DicomValueKind.Tag)
                throw Error($"Value number {number} where {expected} was expected (VR {DicomVRInfo.Code(vr)} has no empty values)");
            while (_values.Count + 1 < number) _values.AddString(default);
        }

        private const int MaxGap = 4096;

        private int CheckNumber(int expected, bool exact)
        {
            var text = reader.GetAttribute("number");
            if (text is null) return expected;
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
                throw Error($"number \"{text}\" is not a positive integer");
            if (number < expected || (exact && number != expected)) throw Error($"number {number} out of order (expected {expected})");
            if (number - expected > MaxGap) throw Error($"number {number} skips too many values");
            return number;
        }

        private void ReadPersonName(DicomValueCollector values)
        {
            Array.Clear(_groups);
            if (reader.IsEmptyElement)
            {
                reader.Read();
                values.AddString(default);
                return;
            }
            reader.Read();
            while (NextChild())
            {
                var group = Array.IndexOf(DicomValueFormat.GroupNames, reader.LocalName);
                if (group < 0 || !IsModelNamespace(reader))
                {
                    reader.Skip();
                    continue;
                }
                Array.Clear(_components);
                if (reader.IsEmptyElement) reader.Read();
                else
                {
                    reader.Read();
                    while (NextChild())
                    {
                        var component = Array.IndexOf(DicomValueFormat.ComponentNames, reader.LocalName);
                        if (component < 0 || !IsModelNamespace(reader))
                        {
                            reader.Skip();
                            continue;
                        }
                        _components[component] = ReadText();
                    }
                }
                _groups[group] = DicomValueParse.JoinComponents(_components);
            }
            DicomValueParse.AppendPersonName(values.NextString(), _groups[0], _groups[1], _groups[2]);
        }

        /// <summary>The text content of the current element (which must hold nothing but text), leaving the reader after it.</summary>
        private string ReadText()
        {
            var name = reader.LocalName;
            if (reader.IsEmptyElement)
            {
                reader.Read();
                return string.Empty;
            }
            reader.Read();
            string? single = null;
            StringBuilder? builder = null;
            while (true)
            {
                switch (reader.NodeType)
                {
                    case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                        if (single is null) single = reader.Value;
                        else (builder ??= new StringBuilder(single)).Append(reader.Value);
                        reader.Read();
                        break;
                    case XmlNodeType.EndElement:
                        reader.Read();
                        return builder?.ToString() ?? single ?? string.Empty;
                    case XmlNodeType.Element:
                        throw Error($"{name} must hold text only, not a {reader.LocalName} element");
                    case XmlNodeType.None:
                        throw Error("unexpected end of the document");
                    default:
                        reader.Read();
                        break;
                }
            }
        }

        private byte[] ReadBase64()
        {
            _binary.SetLength(0);
            if (reader.IsEmptyElement)
            {
                reader.Read();
                return [];
            }
            int read;
            while ((read = reader.ReadElementContentAsBase64(_chunk, 0, _chunk.Length)) > 0) _binary.Write(_chunk, 0, read);
            return _binary.ToArray();
        }

        /// <summary>Puts private data elements read as "gggg00ee" into the blocks their creators reserve, reserving new blocks as needed.</summary>
        private void PlacePrivateElements(DicomDataset dataset, List<(DicomElement Element, string Creator)> privates)
        {
            var blocks = new Dictionary<(ushort Group, string Creator), int>();
            foreach (var element in dataset)
            {
                if (!element.Tag.IsPrivateCreator || element is not DicomDataElement creator) continue;
                blocks.TryAdd((element.Tag.Group, creator.GetString(dataset.CharacterSet)), element.Tag.Element);
            }
            foreach (var (element, creatorName) in privates)
            {
                var group = element.Tag.Group;
                if (!blocks.TryGetValue((group, creatorName), out var block))
                {
                    block = 0x10;
                    while (block <= 0xFF && dataset.Contains(new DicomTag(group, (ushort)block))) block++;
                    if (block > 0xFF) throw Error($"no free private block in group {group:X4} for creator \"{creatorName}\"");
                    dataset.Set(new DicomDataElement(new DicomTag(group, (ushort)block), DicomVR.LO, creatorName));
                    blocks[(group, creatorName)] = block;
                }
                var tag = new DicomTag(group, (ushort)(block << 8 | (element.Tag.Element & 0xFF)));
                dataset.Set(DicomValueParse.WithTag(element, tag));
            }
        }

        private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

        public DicomXmlException Error(string message, Exception? inner = null)
        {
            var info = reader as IXmlLineInfo;
            return new DicomXmlException(message, PathString(), info?.LineNumber ?? 0, info?.LinePosition ?? 0, inner);
        }

        public DicomXmlException Wrap(Exception e) => e switch
        {
            DicomXmlException dxe => dxe,
            XmlException xe => new DicomXmlException($"malformed XML: {xe.Message}", PathString(), xe.LineNumber, xe.LinePosition, xe),
            InsufficientExecutionStackException => Error("sequences nested too deeply", e),
            _ => Error($"invalid Native DICOM Model: {e.Message}", e),
        };

        private string PathString()
        {
            var builder = new StringBuilder();
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
