using System.Text;
using System.Xml;

namespace DicomWeb.Dicom;

/// <summary>Options for <see cref="DicomXmlWriter"/>.</summary>
public sealed class DicomXmlWriterOptions
{
    /// <summary>Everything inline, no file meta group, a line break after each tag.</summary>
    public static DicomXmlWriterOptions Default { get; } = new();

    /// <summary>How binary values (OB, OD, OF, OL, OV, OW, UN, encapsulated pixel data) are written: InlineBinary or BulkData.</summary>
    public DicomBulkDataPolicy BulkData { get; init; } = DicomBulkDataPolicy.InlineAll;

    /// <summary>Write group 0002 elements found in the data set (default false: they are skipped).</summary>
    public bool IncludeFileMetaGroup { get; init; }

    /// <summary>Put a line break after every start and end tag, unindented, as dcm2xml does (default true).</summary>
    public bool LineBreaks { get; init; } = true;
}

/// <summary>
/// Writes data sets in the Native DICOM Model (PS3.19 Annex A.1) to an <see cref="XmlWriter"/>, streaming.
/// </summary>
/// <remarks>
/// <c>&lt;NativeDicomModel xml:space="preserve" xmlns="http://dicom.nema.org/PS3.19/models/NativeDICOM"&gt;</c> holds one
/// <c>DicomAttribute</c> per element in tag order with <c>tag</c>, <c>vr</c> and, for standard attributes, <c>keyword</c>.
/// A private data element (gggg,xxee) whose block has a creator in the same data set is written as tag "gggg00ee" with
/// <c>privateCreator</c> naming the creator (A.1.5), so that it does not depend on the block a source happened to use;
/// one without a creator keeps its full tag. Values are <c>Value number="n"</c> (an empty value is an empty element),
/// person names <c>PersonName number="n"</c> with <c>Alphabetic</c>/<c>Ideographic</c>/<c>Phonetic</c> groups holding the
/// non-empty <c>FamilyName</c>, <c>GivenName</c>, <c>MiddleName</c>, <c>NamePrefix</c>, <c>NameSuffix</c> components,
/// binary values <c>InlineBinary</c> (Base64) or <c>BulkData uri="..."</c>, sequence items <c>Item number="n"</c>.
/// DS and IS values are written as their text; FL/FD in the shortest form that reads back to the same value, non-finite
/// ones as the XML Schema literals NaN, INF and -INF. Characters XML cannot hold (control characters) and carriage returns
/// are written as character references so that they survive. Layout follows dcm2xml: no indentation, a line break after
/// each tag, empty elements written with start and end tags.
/// </remarks>
public static class DicomXmlWriter
{
    /// <summary>The Native DICOM Model namespace.</summary>
    public const string Namespace = "http://dicom.nema.org/PS3.19/models/NativeDICOM";

    private const string XmlNamespace = "http://www.w3.org/XML/1998/namespace";
    private const int ChunkSize = 48 * 1024;
    private const int FlushThreshold = 64 * 1024;
    private static readonly byte[] Declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"u8.ToArray();

    /// <summary>
    /// Writes the <c>NativeDicomModel</c> element for <paramref name="dataset"/> (the caller writes the XML declaration
    /// if it wants one; settings from <see cref="CreateWriterSettings"/> keep control characters writable).
    /// </summary>
    public static void Write(XmlWriter writer, DicomDataset dataset, DicomXmlWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(dataset);
        var context = new Context(writer, options ?? DicomXmlWriterOptions.Default);
        context.WriteStart();
        for (var i = 0; i < dataset.Count; i++) context.WriteTopLevel(dataset, dataset[i]);
        context.WriteEnd();
    }

    /// <summary>Writes a whole UTF-8 XML document (declaration and <c>NativeDicomModel</c>) to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, DicomDataset dataset, DicomXmlWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(dataset);
        stream.Write(Declaration);
        using var writer = XmlWriter.Create(stream, CreateWriterSettings());
        Write(writer, dataset, options);
    }

    /// <summary>
    /// Writes a whole UTF-8 XML document to <paramref name="stream"/> asynchronously: the XML is produced into a buffer
    /// that is copied to the stream after each top-level element, so the stream sees no synchronous writes.
    /// </summary>
    public static async Task WriteAsync(Stream stream, DicomDataset dataset, DicomXmlWriterOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(dataset);
        var buffer = new MemoryStream();
        buffer.Write(Declaration);
        using var writer = XmlWriter.Create(buffer, CreateWriterSettings());
        var context = new Context(writer, options ?? DicomXmlWriterOptions.Default);
        context.WriteStart();
        for (var i = 0; i < dataset.Count; i++)
        {
            context.WriteTopLevel(dataset, dataset[i]);
            writer.Flush();
            if (buffer.Length >= FlushThreshold) await Drain(buffer, stream, cancellationToken).ConfigureAwait(false);
        }
        context.WriteEnd();
        writer.Flush();
        await Drain(buffer, stream, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task Drain(MemoryStream buffer, Stream stream, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken).ConfigureAwait(false);
        buffer.Position = 0;
        buffer.SetLength(0);
    }

    /// <summary>The data set as a Native DICOM Model XML document string (for tests and tools).</summary>
    public static string ToXml(DicomDataset dataset, DicomXmlWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var buffer = new MemoryStream();
        Write(buffer, dataset, options);
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>
    /// Writer settings for Native DICOM Model output: UTF-8 without BOM, no declaration (the stream methods write
    /// "UTF-8" in upper case as dcm2xml does), no indentation (xml:space="preserve"), carriage returns and characters XML 1.0
    /// cannot hold written as character references.
    /// </summary>
    public static XmlWriterSettings CreateWriterSettings() => new()
    {
        Encoding = new UTF8Encoding(false),
        OmitXmlDeclaration = true,
        Indent = false,
        NewLineHandling = NewLineHandling.Entitize,
        CheckCharacters = false,
        CloseOutput = false,
    };

    private sealed class Context(XmlWriter writer, DicomXmlWriterOptions options)
    {
        private readonly DicomPathTracker _path = new();
        private char[] _buffer = new char[256];
        private char[] _wide = new char[256];
        private byte[]? _chunk;

        public void WriteStart()
        {
            writer.WriteStartElement("NativeDicomModel", Namespace);
            writer.WriteAttributeString("xml", "space", XmlNamespace, "preserve");
            LineBreak();
        }

        public void WriteEnd()
        {
            writer.WriteFullEndElement();
            LineBreak();
        }

        public void WriteTopLevel(DicomDataset dataset, DicomElement element)
        {
            if (DicomValueFormat.ShouldWrite(element, options.IncludeFileMetaGroup)) WriteElement(dataset, dataset.CharacterSet, element);
        }

        private void WriteDataset(DicomDataset dataset)
        {
            var characterSet = dataset.CharacterSet;
            for (var i = 0; i < dataset.Count; i++)
            {
                var element = dataset[i];
                if (DicomValueFormat.ShouldWrite(element, options.IncludeFileMetaGroup)) WriteElement(dataset, characterSet, element);
            }
        }

        private void LineBreak()
        {
            if (options.LineBreaks) writer.WriteWhitespace("\n");
        }

        private void WriteElement(DicomDataset dataset, DicomCharacterSet characterSet, DicomElement element)
        {
            var tag = element.Tag;
            var vr = DicomValueFormat.WrittenVR(element);
            var creator = DicomValueFormat.FindPrivateCreator(dataset, tag);
            var written = creator is null ? tag.Value : tag.Value & 0xFFFF00FF;

            writer.WriteStartElement("DicomAttribute", Namespace);
            writer.WriteStartAttribute("tag");
            DicomValueFormat.FormatTag(written, _buffer);
            writer.WriteChars(_buffer, 0, 8);
            writer.WriteEndAttribute();
            writer.WriteAttributeString("vr", DicomVRInfo.Code(vr));
            if (!tag.IsPrivate && DicomDictionary.GetKeyword(tag) is { } keyword) writer.WriteAttributeString("keyword", keyword);
            if (creator is not null) writer.WriteAttributeString("privateCreator", creator);
            LineBreak();

            if (element is DicomDataElement { BulkDataUri: { } uri }) WriteBulkData(uri);
            else if (element is DicomSequence sequence) WriteSequence(sequence);
            else if (element is DicomDataElement data && DicomValueFormat.KindOf(vr) is var kind && kind != DicomValueKind.Binary)
            {
                switch (kind)
                {
                    case DicomValueKind.Text:
                    case DicomValueKind.NumberText: WriteStrings(data, vr, characterSet); break;
                    case DicomValueKind.PersonName: WritePersonNames(data, characterSet); break;
                    case DicomValueKind.Tag: WriteTags(data); break;
                    case DicomValueKind.Number: WriteNumbers(data, vr); break;
                }
            }
            else WriteBinary(element);

            writer.WriteFullEndElement();
            LineBreak();
        }

        private void WriteSequence(DicomSequence sequence)
        {
            for (var i = 0; i < sequence.Items.Count; i++)
            {
                writer.WriteStartElement("Item", Namespace);
                WriteNumber(i + 1);
                LineBreak();
                _path.Push(sequence.Tag, i);
                WriteDataset(sequence.Items[i]);
                _path.Pop();
                writer.WriteFullEndElement();
                LineBreak();
            }
        }

        /// <summary>The whole value as chars: ASCII bytes widened into a buffer, else decoded text.</summary>
        private ReadOnlySpan<char> GetChars(DicomDataElement element, DicomCharacterSet characterSet)
        {
            if (!DicomValueFormat.TryGetAsciiBytes(element, out var bytes)) return DicomValueFormat.GetText(element, characterSet);
            if (_wide.Length < bytes.Length) _wide = new char[Math.Max(bytes.Length, _wide.Length * 2)];
            for (var i = 0; i < bytes.Length; i++) _wide[i] = (char)bytes[i];
            return _wide.AsSpan(0, bytes.Length);
        }

        private void WriteStrings(DicomDataElement element, DicomVR vr, DicomCharacterSet characterSet)
        {
            var values = new DicomValueSplitter<char>(GetChars(element, characterSet), vr);
            var number = 0;
            while (values.MoveNext(out var value))
            {
                writer.WriteStartElement("Value", Namespace);
                WriteNumber(++number);
                WriteText(value);
                writer.WriteFullEndElement();
                LineBreak();
            }
        }

        private void WritePersonNames(DicomDataElement element, DicomCharacterSet characterSet)
        {
            var whole = GetChars(element, characterSet);
            if (DicomValueFormat.HasNoPersonNames(whole)) return;
            var values = new DicomValueSplitter<char>(whole, DicomVR.PN);
            var number = 0;
            Span<Range> components = stackalloc Range[5];
            while (values.MoveNext(out var value))
            {
                writer.WriteStartElement("PersonName", Namespace);
                WriteNumber(++number);
                LineBreak();
                DicomValueFormat.SplitGroups(value, out var alphabetic, out var ideographic, out var phonetic);
                WriteGroup(DicomValueFormat.GroupNames[0], alphabetic, components);
                WriteGroup(DicomValueFormat.GroupNames[1], ideographic, components);
                WriteGroup(DicomValueFormat.GroupNames[2], phonetic, components);
                writer.WriteFullEndElement();
                LineBreak();
            }
        }

        private void WriteGroup(string name, ReadOnlySpan<char> group, Span<Range> components)
        {
            DicomValueFormat.SplitComponents(group, components);
            var any = false;
            foreach (var range in components) any |= !group[range].IsEmpty;
            // A group with no component at all is left out, as dcm2xml does (so "^^" and "" read back the same).
            if (!any) return;
            writer.WriteStartElement(name, Namespace);
            LineBreak();
            for (var i = 0; i < 5; i++)
            {
                var component = group[components[i]];
                if (component.IsEmpty) continue;
                writer.WriteStartElement(DicomValueFormat.ComponentNames[i], Namespace);
                WriteText(component);
                writer.WriteFullEndElement();
                LineBreak();
            }
            writer.WriteFullEndElement();
            LineBreak();
        }

        private void WriteTags(DicomDataElement element)
        {
            var bytes = DicomValueFormat.GetNumericBytes(element).Span;
            var count = DicomValueFormat.CountNumbers(DicomVR.AT, bytes.Length);
            for (var i = 0; i < count; i++)
            {
                writer.WriteStartElement("Value", Namespace);
                WriteNumber(i + 1);
                DicomValueFormat.FormatTag(DicomValueFormat.ReadTag(bytes, i), _buffer);
                writer.WriteChars(_buffer, 0, 8);
                writer.WriteFullEndElement();
                LineBreak();
            }
        }

        private void WriteNumbers(DicomDataElement element, DicomVR vr)
        {
            var bytes = DicomValueFormat.GetNumericBytes(element).Span;
            var count = DicomValueFormat.CountNumbers(vr, bytes.Length);
            for (var i = 0; i < count; i++)
            {
                writer.WriteStartElement("Value", Namespace);
                WriteNumber(i + 1);
                var length = DicomValueFormat.FormatNumber(vr, bytes, i, _buffer, "NaN", "INF", "-INF", out _);
                writer.WriteChars(_buffer, 0, length);
                writer.WriteFullEndElement();
                LineBreak();
            }
        }

        private void WriteBinary(DicomElement element)
        {
            var uri = _path.GetBulkDataUri(options.BulkData, element);
            if (uri is not null)
            {
                WriteBulkData(uri);
                return;
            }
            if (element is DicomDataElement { BulkData: null } data)
            {
                var bytes = data.GetBytes();
                if (bytes.IsEmpty) return;
                writer.WriteStartElement("InlineBinary", Namespace);
                if (System.Runtime.InteropServices.MemoryMarshal.TryGetArray(bytes, out var segment))
                    writer.WriteBase64(segment.Array!, segment.Offset, segment.Count);
                else
                {
                    var copy = bytes.ToArray();
                    writer.WriteBase64(copy, 0, copy.Length);
                }
                writer.WriteFullEndElement();
                LineBreak();
                return;
            }
            if (element is DicomDataElement { BulkData.Length: 0 }) return;
            writer.WriteStartElement("InlineBinary", Namespace);
            using (var stream = DicomValueFormat.OpenBinary(element))
            {
                var chunk = _chunk ??= new byte[ChunkSize];
                int read;
                while ((read = stream.ReadAtLeast(chunk, chunk.Length, throwOnEndOfStream: false)) > 0) writer.WriteBase64(chunk, 0, read);
            }
            writer.WriteFullEndElement();
            LineBreak();
        }

        private void WriteBulkData(string uri)
        {
            writer.WriteStartElement("BulkData", Namespace);
            writer.WriteAttributeString("uri", uri);
            writer.WriteEndElement();
            LineBreak();
        }

        private void WriteNumber(int number)
        {
            writer.WriteStartAttribute("number");
            number.TryFormat(_buffer, out var written, default, System.Globalization.CultureInfo.InvariantCulture);
            writer.WriteChars(_buffer, 0, written);
            writer.WriteEndAttribute();
        }

        private void WriteText(ReadOnlySpan<char> text)
        {
            if (text.IsEmpty) return;
            if (_buffer.Length < text.Length) _buffer = new char[Math.Max(text.Length, _buffer.Length * 2)];
            text.CopyTo(_buffer);
            writer.WriteChars(_buffer, 0, text.Length);
        }
    }
}
