using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace DicomWeb.Dicom;

/// <summary>
/// Value parsing shared by <see cref="DicomJsonReader"/> and <see cref="DicomXmlReader"/>: numbers and tags from text,
/// person names from component groups, and building elements from collected values.
/// </summary>
internal static class DicomValueParse
{
    /// <summary>
    /// Appends one value of a binary numeric VR (US, SS, UL, SL, FL, FD, SV, UV) or AT, parsed from its text, as
    /// little-endian bytes. Integers may be written as exact decimals ("3", "3.0", "3e0"); floats accept "NaN",
    /// "Infinity"/"INF" and their negatives; AT accepts "GGGGEEEE". False when the text is not such a value or is out of range.
    /// </summary>
    public static bool TryAppendNumber(DicomVR vr, ReadOnlySpan<char> text, IBufferWriter<byte> output)
    {
        text = text.Trim();
        switch (vr)
        {
            case DicomVR.US:
                if (!TryParseInteger(text, ushort.MinValue, ushort.MaxValue, out var us)) return false;
                BinaryPrimitives.WriteUInt16LittleEndian(output.GetSpan(2), (ushort)us);
                output.Advance(2);
                return true;
            case DicomVR.SS:
                if (!TryParseInteger(text, short.MinValue, short.MaxValue, out var ss)) return false;
                BinaryPrimitives.WriteInt16LittleEndian(output.GetSpan(2), (short)ss);
                output.Advance(2);
                return true;
            case DicomVR.UL:
                if (!TryParseInteger(text, uint.MinValue, uint.MaxValue, out var ul)) return false;
                BinaryPrimitives.WriteUInt32LittleEndian(output.GetSpan(4), (uint)ul);
                output.Advance(4);
                return true;
            case DicomVR.SL:
                if (!TryParseInteger(text, int.MinValue, int.MaxValue, out var sl)) return false;
                BinaryPrimitives.WriteInt32LittleEndian(output.GetSpan(4), (int)sl);
                output.Advance(4);
                return true;
            case DicomVR.SV:
                if (!TryParseInteger(text, long.MinValue, long.MaxValue, out var sv)) return false;
                BinaryPrimitives.WriteInt64LittleEndian(output.GetSpan(8), sv);
                output.Advance(8);
                return true;
            case DicomVR.UV:
                if (!TryParseUnsigned(text, out var uv)) return false;
                BinaryPrimitives.WriteUInt64LittleEndian(output.GetSpan(8), uv);
                output.Advance(8);
                return true;
            case DicomVR.FL:
                if (!TryParseFloat(text, out var d)) return false;
                float f;
                if (double.IsFinite(d))
                {
                    if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out f)) return false;
                    if (!float.IsFinite(f)) return false;
                }
                else f = (float)d;
                BinaryPrimitives.WriteSingleLittleEndian(output.GetSpan(4), f);
                output.Advance(4);
                return true;
            case DicomVR.FD:
                if (!TryParseFloat(text, out var fd)) return false;
                BinaryPrimitives.WriteDoubleLittleEndian(output.GetSpan(8), fd);
                output.Advance(8);
                return true;
            case DicomVR.AT:
                if (text.Length != 8 || !DicomTag.TryParse(text, out var tag)) return false;
                var span = output.GetSpan(4);
                BinaryPrimitives.WriteUInt16LittleEndian(span, tag.Group);
                BinaryPrimitives.WriteUInt16LittleEndian(span[2..], tag.Element);
                output.Advance(4);
                return true;
            default:
                return false;
        }
    }

    private static bool TryParseInteger(ReadOnlySpan<char> text, long min, long max, out long value)
    {
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            // "3.0" or "3e2" from writers that print every number as a double.
            if (!DicomValueFormat.IsJsonNumber(text) ||
                !decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var exact) ||
                exact != decimal.Truncate(exact) || exact < long.MinValue || exact > long.MaxValue) return false;
            value = (long)exact;
        }
        return value >= min && value <= max;
    }

    private static bool TryParseUnsigned(ReadOnlySpan<char> text, out ulong value)
    {
        if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value)) return true;
        if (!DicomValueFormat.IsJsonNumber(text) ||
            !decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var exact) ||
            exact != decimal.Truncate(exact) || exact < 0 || exact > ulong.MaxValue) return false;
        value = (ulong)exact;
        return true;
    }

    private static bool TryParseFloat(ReadOnlySpan<char> text, out double value)
    {
        // JSON and JavaScript spell them NaN/Infinity; XML Schema NaN/INF; C printf nan/inf.
        if (text.Equals("NaN", StringComparison.OrdinalIgnoreCase)) { value = double.NaN; return true; }
        if (text.Equals("Infinity", StringComparison.OrdinalIgnoreCase) || text.Equals("INF", StringComparison.OrdinalIgnoreCase) ||
            text.Equals("+Infinity", StringComparison.OrdinalIgnoreCase) || text.Equals("+INF", StringComparison.OrdinalIgnoreCase))
        {
            value = double.PositiveInfinity;
            return true;
        }
        if (text.Equals("-Infinity", StringComparison.OrdinalIgnoreCase) || text.Equals("-INF", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NegativeInfinity;
            return true;
        }
        // Anything else must be a plain decimal: no hex, no thousands separators, no overflow to infinity.
        var i = 0;
        if (i < text.Length && text[i] is '+' or '-') i++;
        if (i >= text.Length || !(char.IsAsciiDigit(text[i]) || text[i] == '.')) { value = 0; return false; }
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }

    /// <summary>
    /// Joins person name component groups with '=' (PS3.5 §6.2.1.2), leaving out empty trailing groups.
    /// </summary>
    public static void AppendPersonName(StringBuilder builder, ReadOnlySpan<char> alphabetic, ReadOnlySpan<char> ideographic, ReadOnlySpan<char> phonetic)
    {
        builder.Append(alphabetic);
        if (ideographic.IsEmpty && phonetic.IsEmpty) return;
        builder.Append('=').Append(ideographic);
        if (phonetic.IsEmpty) return;
        builder.Append('=').Append(phonetic);
    }

    /// <summary>Joins the five components of a group with '^', leaving out empty trailing components.</summary>
    public static string JoinComponents(string?[] components)
    {
        var last = components.Length - 1;
        while (last >= 0 && string.IsNullOrEmpty(components[last])) last--;
        if (last < 0) return string.Empty;
        var builder = new StringBuilder();
        for (var i = 0; i <= last; i++)
        {
            if (i > 0) builder.Append('^');
            builder.Append(components[i]);
        }
        return builder.ToString();
    }

    /// <summary>The element for an attribute present with no value (an empty sequence, an empty string, no bytes).</summary>
    public static DicomElement CreateEmpty(DicomTag tag, DicomVR vr) => DicomValueFormat.KindOf(vr) switch
    {
        DicomValueKind.Sequence => new DicomSequence(tag),
        DicomValueKind.Text or DicomValueKind.PersonName or DicomValueKind.NumberText => new DicomDataElement(tag, vr, string.Empty),
        _ => new DicomDataElement(tag, vr, ReadOnlyMemory<byte>.Empty),
    };

    /// <summary>
    /// The element for an InlineBinary value: binary VRs (OB, OD, OF, OL, OV, OW, UN) and, leniently, binary numbers and AT,
    /// whose value field is bytes too; null for VRs where InlineBinary makes no sense (strings, sequences).
    /// </summary>
    public static DicomElement? CreateFromInlineBinary(DicomTag tag, DicomVR vr, byte[] bytes) => DicomValueFormat.KindOf(vr) switch
    {
        DicomValueKind.Binary => CreateBinary(tag, vr, bytes),
        DicomValueKind.Number or DicomValueKind.Tag => new DicomDataElement(tag, vr, bytes),
        _ => null,
    };

    /// <summary>
    /// The element for a binary value read as bytes. Pixel data whose bytes are an encapsulated stream (an offset table
    /// item, fragment items, a sequence delimiter at the very end; as the writers put it inline) becomes a
    /// <see cref="DicomFragmentSequence"/> again; everything else a <see cref="DicomDataElement"/>.
    /// </summary>
    public static DicomElement CreateBinary(DicomTag tag, DicomVR vr, byte[] bytes)
    {
        if (tag.Group == 0x7FE0 && vr is DicomVR.OB or DicomVR.OW && TryParseEncapsulated(tag, vr, bytes, out var fragments)) return fragments;
        return new DicomDataElement(tag, vr, bytes);
    }

    private static bool TryParseEncapsulated(DicomTag tag, DicomVR vr, byte[] bytes, out DicomFragmentSequence fragments)
    {
        fragments = null!;
        var span = bytes.AsSpan();
        if (span.Length < 16 || ReadTag(span) != DicomTag.Item) return false;
        var position = 0;
        var first = true;
        var table = Array.Empty<uint>();
        var parts = new List<(int Offset, int Length)>();
        while (true)
        {
            if (span.Length - position < 8) return false;
            var itemTag = ReadTag(span[position..]);
            var length = BinaryPrimitives.ReadUInt32LittleEndian(span[(position + 4)..]);
            position += 8;
            if (itemTag == DicomTag.SequenceDelimitationItem)
            {
                if (length != 0 || position != span.Length) return false;
                break;
            }
            if (itemTag != DicomTag.Item || length > (uint)(span.Length - position)) return false;
            if (first)
            {
                if (length % 4 != 0) return false;
                table = new uint[length / 4];
                for (var i = 0; i < table.Length; i++) table[i] = BinaryPrimitives.ReadUInt32LittleEndian(span[(position + 4 * i)..]);
                first = false;
            }
            else parts.Add((position, (int)length));
            position += (int)length;
        }
        fragments = new DicomFragmentSequence(tag, vr) { BasicOffsetTable = table };
        foreach (var (offset, length) in parts) fragments.Fragments.Add(new DicomFragment(bytes.AsMemory(offset, length)));
        return true;
    }

    private static DicomTag ReadTag(ReadOnlySpan<byte> span) =>
        new(BinaryPrimitives.ReadUInt16LittleEndian(span), BinaryPrimitives.ReadUInt16LittleEndian(span[2..]));

    /// <summary>The same element under another tag (for private data elements whose block is known only at the end of the data set).</summary>
    public static DicomElement WithTag(DicomElement element, DicomTag tag)
    {
        switch (element)
        {
            case DicomSequence sequence:
                return new DicomSequence(tag, sequence.Items.ToArray(), sequence.VR);
            case DicomFragmentSequence fragments:
                var copy = new DicomFragmentSequence(tag, fragments.VR) { BasicOffsetTable = fragments.BasicOffsetTable };
                copy.Fragments.AddRange(fragments.Fragments);
                return copy;
            case DicomDataElement { Text: { } text } data:
                return new DicomDataElement(tag, data.VR, text) { BulkDataUri = data.BulkDataUri };
            case DicomDataElement { BulkData: { } reference } data:
                return new DicomDataElement(tag, data.VR, reference) { BulkDataUri = data.BulkDataUri };
            case DicomDataElement data:
                return new DicomDataElement(tag, data.VR, data.Bytes) { BulkDataUri = data.BulkDataUri };
            default:
                throw new ArgumentException("unknown element type", nameof(element));
        }
    }
}

/// <summary>
/// Collects the values of one attribute as a reader meets them: strings joined with backslash for character VRs
/// (DS and IS included, keeping each number's text), little-endian bytes for binary numbers and AT.
/// One instance is reused for every attribute of a document.
/// </summary>
internal sealed class DicomValueCollector
{
    private readonly StringBuilder _text = new();
    private readonly ArrayBufferWriter<byte> _bytes = new();
    private int _count;

    /// <summary>Number of values added since <see cref="Reset"/>.</summary>
    public int Count => _count;

    /// <summary>Starts a new attribute.</summary>
    public void Reset()
    {
        _text.Clear();
        _bytes.ResetWrittenCount();
        _count = 0;
    }

    /// <summary>Starts the next string value and returns the builder to append it to.</summary>
    public StringBuilder NextString()
    {
        if (_count++ > 0) _text.Append('\\');
        return _text;
    }

    /// <summary>Adds a string value (null or empty for an empty value).</summary>
    public void AddString(ReadOnlySpan<char> value) => NextString().Append(value);

    /// <summary>Adds a number or tag parsed from text; false when it is not a valid value of the VR.</summary>
    public bool AddNumber(DicomVR vr, ReadOnlySpan<char> text)
    {
        if (!DicomValueParse.TryAppendNumber(vr, text, _bytes)) return false;
        _count++;
        return true;
    }

    /// <summary>The element holding the collected values.</summary>
    public DicomDataElement Build(DicomTag tag, DicomVR vr) =>
        DicomValueFormat.KindOf(vr) is DicomValueKind.Number or DicomValueKind.Tag
            ? new DicomDataElement(tag, vr, _bytes.WrittenSpan.ToArray())
            : new DicomDataElement(tag, vr, _text.ToString());
}
