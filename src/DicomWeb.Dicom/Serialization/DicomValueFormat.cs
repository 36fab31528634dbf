using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DicomWeb.Dicom;

/// <summary>How the JSON and XML writers render an element's value.</summary>
internal enum DicomValueKind
{
    /// <summary>Character data split on backslash (or one value for LT, ST, UT, UR).</summary>
    Text,
    /// <summary>PN: values split into component groups (and, for XML, components).</summary>
    PersonName,
    /// <summary>DS and IS: numbers written from their text.</summary>
    NumberText,
    /// <summary>AT: pairs of 16-bit words written as "GGGGEEEE".</summary>
    Tag,
    /// <summary>US, SS, UL, SL, FL, FD, SV, UV: little-endian binary numbers.</summary>
    Number,
    /// <summary>OB, OD, OF, OL, OV, OW, UN and encapsulated pixel data: InlineBinary or BulkDataURI.</summary>
    Binary,
    /// <summary>SQ: items.</summary>
    Sequence,
}

/// <summary>
/// Value formatting shared by <see cref="DicomJsonWriter"/> and <see cref="DicomXmlWriter"/>: which elements are written,
/// the VR they are written with, splitting and trimming of string values, person name groups and components,
/// DS/IS number text, binary numbers and tags, and where a private data element's creator is.
/// String helpers are generic over <c>char</c> (decoded text) and <c>byte</c> (ASCII value bytes, written without decoding).
/// </summary>
internal static class DicomValueFormat
{
    /// <summary>2^53: integers of larger magnitude lose precision in an IEEE double (JavaScript numbers).</summary>
    public const long MaxSafeInteger = 9007199254740992;

    private static ReadOnlySpan<byte> HexDigits => "0123456789ABCDEF"u8;

    /// <summary>True when the element belongs in the output: never group lengths (PS3.18 F.2.2, PS3.19 A.1.1), group 0002 only on request.</summary>
    public static bool ShouldWrite(DicomElement element, bool includeFileMetaGroup) =>
        !element.Tag.IsGroupLength && (includeFileMetaGroup || element.Tag.Group != 0x0002) && element.Tag.Group != 0xFFFE;

    /// <summary>The VR written for an element: SQ for every sequence (an undefined-length UN read as one included), UN when none is known.</summary>
    public static DicomVR WrittenVR(DicomElement element) => element switch
    {
        DicomSequence => DicomVR.SQ,
        _ when element.VR == DicomVR.None => DicomVR.UN,
        _ => element.VR,
    };

    /// <summary>How a value of this VR is rendered.</summary>
    public static DicomValueKind KindOf(DicomVR vr) => vr switch
    {
        DicomVR.SQ => DicomValueKind.Sequence,
        DicomVR.PN => DicomValueKind.PersonName,
        DicomVR.DS or DicomVR.IS => DicomValueKind.NumberText,
        DicomVR.AT => DicomValueKind.Tag,
        DicomVR.US or DicomVR.SS or DicomVR.UL or DicomVR.SL or DicomVR.FL or DicomVR.FD or DicomVR.SV or DicomVR.UV => DicomValueKind.Number,
        _ when DicomVRInfo.IsString(vr) => DicomValueKind.Text,
        _ => DicomValueKind.Binary,
    };

    /// <summary>Writes the eight upper-case hex digits of a tag as UTF-8.</summary>
    public static void FormatTag(uint value, Span<byte> destination)
    {
        for (var i = 0; i < 8; i++) destination[i] = HexDigits[(int)((value >> (28 - 4 * i)) & 0xF)];
    }

    /// <summary>Writes the eight upper-case hex digits of a tag as UTF-16.</summary>
    public static void FormatTag(uint value, Span<char> destination)
    {
        for (var i = 0; i < 8; i++) destination[i] = (char)HexDigits[(int)((value >> (28 - 4 * i)) & 0xF)];
    }

    /// <summary>Writes the two letters of a VR as UTF-8.</summary>
    public static void FormatVR(DicomVR vr, Span<byte> destination)
    {
        destination[0] = (byte)((ushort)vr >> 8);
        destination[1] = (byte)vr;
    }

    /// <summary>
    /// The value bytes of a string element when they can be written as they are: held in memory as bytes, every byte
    /// printable-range ASCII or a control character other than ESC. Such bytes mean the same in every DICOM character set
    /// (ISO 2022 needs ESC to switch away from ASCII; JIS X 0201 Romaji is read like ASCII so that 05/12 stays the delimiter).
    /// </summary>
    public static bool TryGetAsciiBytes(DicomDataElement element, out ReadOnlySpan<byte> bytes)
    {
        bytes = default;
        if (element.Text is not null || element.BulkData is not null || element.BulkDataUri is not null) return false;
        var span = element.Bytes.Span;
        if (span.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0 || span.IndexOf((byte)0x1B) >= 0) return false;
        bytes = span;
        return true;
    }

    /// <summary>The text of a string element, decoded with <paramref name="characterSet"/> (padding is trimmed by the splitter).</summary>
    public static string GetText(DicomDataElement element, DicomCharacterSet characterSet) =>
        element.Text ?? element.GetString(characterSet);

    /// <summary>Reads one char or byte of a span as an int (the JIT keeps only the branch for <typeparamref name="T"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int At<T>(ReadOnlySpan<T> span, int index) where T : unmanaged
    {
        var value = span[index];
        return typeof(T) == typeof(byte) ? Unsafe.As<T, byte>(ref value) : Unsafe.As<T, char>(ref value);
    }

    /// <summary>Index of the first occurrence of an ASCII character, or -1.</summary>
    public static int IndexOf<T>(ReadOnlySpan<T> span, char c) where T : unmanaged
    {
        ref var first = ref MemoryMarshal.GetReference(span);
        if (typeof(T) == typeof(byte)) return MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<T, byte>(ref first), span.Length).IndexOf((byte)c);
        return MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<T, char>(ref first), span.Length).IndexOf(c);
    }

    /// <summary>
    /// Removes padding the way <see cref="DicomDataElement.GetStrings"/> does: trailing spaces and NULs, and leading spaces
    /// except for LT, ST and UT where they are significant.
    /// </summary>
    public static ReadOnlySpan<T> Trim<T>(ReadOnlySpan<T> value, DicomVR vr) where T : unmanaged
    {
        var end = value.Length;
        while (end > 0 && At(value, end - 1) is ' ' or 0) end--;
        var start = 0;
        if (vr is not (DicomVR.LT or DicomVR.ST or DicomVR.UT))
            while (start < end && At(value, start) == ' ') start++;
        return value[start..end];
    }

    // ---- Person names ----------------------------------------------------------------------------------------------

    /// <summary>
    /// Splits a PN value into its three component groups (alphabetic, ideographic, phonetic). A malformed value with more
    /// than two '=' keeps the rest in the phonetic group, so nothing is lost.
    /// </summary>
    public static void SplitGroups<T>(ReadOnlySpan<T> value, out ReadOnlySpan<T> alphabetic, out ReadOnlySpan<T> ideographic,
        out ReadOnlySpan<T> phonetic) where T : unmanaged
    {
        ideographic = phonetic = default;
        var first = IndexOf(value, '=');
        if (first < 0)
        {
            alphabetic = value;
            return;
        }
        alphabetic = value[..first];
        var rest = value[(first + 1)..];
        var second = IndexOf(rest, '=');
        if (second < 0)
        {
            ideographic = rest;
            return;
        }
        ideographic = rest[..second];
        phonetic = rest[(second + 1)..];
    }

    /// <summary>
    /// Removes trailing empty components from a component group ("Doe^John^^" → "Doe^John", "^^^^" → ""): PS3.5 §6.2.1.1
    /// lets trailing null components and their delimiters be omitted, so both mean the same name.
    /// </summary>
    public static ReadOnlySpan<T> TrimGroup<T>(ReadOnlySpan<T> group) where T : unmanaged
    {
        var end = group.Length;
        while (end > 0 && At(group, end - 1) == '^') end--;
        return group[..end];
    }

    /// <summary>True when a PN value has no name in it: nothing but component and group delimiters (and spaces).</summary>
    public static bool IsEmptyPersonName<T>(ReadOnlySpan<T> value) where T : unmanaged
    {
        for (var i = 0; i < value.Length; i++)
            if (At(value, i) is not ('^' or '=' or ' ')) return false;
        return true;
    }

    /// <summary>True when every value of a PN element is empty (see <see cref="IsEmptyPersonName"/>), so it has no values to write.</summary>
    public static bool HasNoPersonNames<T>(ReadOnlySpan<T> whole) where T : unmanaged
    {
        var values = new DicomValueSplitter<T>(whole, DicomVR.PN);
        while (values.MoveNext(out var value))
            if (!IsEmptyPersonName(value)) return false;
        return true;
    }

    /// <summary>
    /// Splits a component group into family name, given name, middle name, prefix and suffix (PS3.5 §6.2.1.1);
    /// more than four '^' leave the rest in the suffix.
    /// </summary>
    public static void SplitComponents(ReadOnlySpan<char> group, Span<Range> components)
    {
        var start = 0;
        for (var i = 0; i < 5; i++)
        {
            if (start > group.Length)
            {
                components[i] = new Range(group.Length, group.Length);
                continue;
            }
            var caret = i < 4 ? group[start..].IndexOf('^') : -1;
            var end = caret < 0 ? group.Length : start + caret;
            components[i] = new Range(start, end);
            start = caret < 0 ? group.Length + 1 : end + 1;
        }
    }

    /// <summary>The XML element names of the five person name components, in order.</summary>
    public static readonly string[] ComponentNames = ["FamilyName", "GivenName", "MiddleName", "NamePrefix", "NameSuffix"];

    /// <summary>The XML element and JSON property names of the three component groups, in order.</summary>
    public static readonly string[] GroupNames = ["Alphabetic", "Ideographic", "Phonetic"];

    // ---- DS and IS ------------------------------------------------------------------------------------------------

    /// <summary>True when the text is a number as RFC 8259 §6 defines it: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?.</summary>
    public static bool IsJsonNumber<T>(ReadOnlySpan<T> s) where T : unmanaged
    {
        var i = 0;
        var n = s.Length;
        if (i < n && At(s, i) == '-') i++;
        if (i >= n) return false;
        if (At(s, i) == '0') i++;
        else if (IsDigit(At(s, i))) while (i < n && IsDigit(At(s, i))) i++;
        else return false;
        if (i < n && At(s, i) == '.')
        {
            i++;
            var digits = i;
            while (i < n && IsDigit(At(s, i))) i++;
            if (i == digits) return false;
        }
        if (i < n && At(s, i) is 'e' or 'E')
        {
            i++;
            if (i < n && At(s, i) is '+' or '-') i++;
            var digits = i;
            while (i < n && IsDigit(At(s, i))) i++;
            if (i == digits) return false;
        }
        return i == n;
    }

    /// <summary>
    /// True when a DS or IS value is already a JSON number that needs no check: without an exponent a JSON number of up
    /// to 300 characters is a finite double, and one of up to 15 characters an integer within ±2^53. Most DS and IS
    /// values are like that, so they can be written as they are, with no parse.
    /// </summary>
    public static bool IsFiniteJsonNumber<T>(ReadOnlySpan<T> value, DicomVR vr) where T : unmanaged
    {
        if (value.Length > (vr == DicomVR.IS ? 15 : 300) || !IsJsonNumber(value)) return false;
        for (var i = 0; i < value.Length; i++)
            if (At(value, i) is 'e' or 'E') return false;
        return true;
    }

    /// <summary>
    /// Rewrites a DS or IS value (a FORTRAN-style decimal, PS3.5 Table 6.2-1) as a JSON number: drops a '+' sign and
    /// leading zeros, adds a zero before a bare '.', drops a '.' with no digits after it ("+1.5" → 1.5, ".5" → 0.5,
    /// "1." → 1, "007" → 7). False when the text is not a decimal number at all.
    /// </summary>
    public static bool TryNormalizeNumber<T>(ReadOnlySpan<T> s, Span<char> destination, out int written) where T : unmanaged
    {
        written = 0;
        var i = 0;
        var n = s.Length;
        var o = 0;
        if (destination.Length < n + 2) return false;
        if (i < n && At(s, i) is '+' or '-')
        {
            if (At(s, i) == '-') destination[o++] = '-';
            i++;
        }
        var intStart = i;
        while (i < n && IsDigit(At(s, i))) i++;
        var intDigits = s[intStart..i];
        var fracDigits = ReadOnlySpan<T>.Empty;
        if (i < n && At(s, i) == '.')
        {
            i++;
            var fracStart = i;
            while (i < n && IsDigit(At(s, i))) i++;
            fracDigits = s[fracStart..i];
        }
        if (intDigits.IsEmpty && fracDigits.IsEmpty) return false;
        var lead = 0;
        while (lead < intDigits.Length - 1 && At(intDigits, lead) == '0') lead++;
        if (intDigits.IsEmpty) destination[o++] = '0';
        for (var k = lead; k < intDigits.Length; k++) destination[o++] = (char)At(intDigits, k);
        if (!fracDigits.IsEmpty)
        {
            destination[o++] = '.';
            for (var k = 0; k < fracDigits.Length; k++) destination[o++] = (char)At(fracDigits, k);
        }
        if (i < n && At(s, i) is 'e' or 'E')
        {
            destination[o++] = 'e';
            i++;
            if (i < n && At(s, i) is '+' or '-') destination[o++] = (char)At(s, i++);
            var expStart = i;
            while (i < n && IsDigit(At(s, i))) destination[o++] = (char)At(s, i++);
            if (i == expStart) return false;
        }
        if (i != n) return false;
        written = o;
        return true;
    }

    /// <summary>
    /// Decides how a DS or IS value is written in JSON (PS3.18 F.2.3 and its note). Returns true with the number text in
    /// <paramref name="destination"/> (the value's own text when it already is a JSON number, else normalized); returns
    /// false when the value must be written as a JSON string holding its original text: when it is not a decimal number,
    /// when it is not finite as a double (e.g. "1e999"), and for IS beyond ±2^53 where a JSON number would lose precision.
    /// F.2.3 permits a string for IS, DS, SV and UV "to preserve the original format ... or to avoid losing precision".
    /// </summary>
    public static bool TryFormatNumberText<T>(ReadOnlySpan<T> value, DicomVR vr, Span<char> destination, out int written) where T : unmanaged
    {
        written = 0;
        if (IsJsonNumber(value))
        {
            if (destination.Length < value.Length) return false;
            for (var k = 0; k < value.Length; k++) destination[k] = (char)At(value, k);
            written = value.Length;
            if (IsFiniteJsonNumber(value, vr)) return true;
        }
        else if (!TryNormalizeNumber(value, destination, out written)) return false;
        var text = destination[..written];
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) || !double.IsFinite(parsed)) return false;
        if (vr == DicomVR.IS && Math.Abs(parsed) >= MaxSafeInteger)
        {
            // Exactly ±2^53 still fits; compare the integer itself, which the double may have rounded.
            if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)) return false;
            if (integer is > MaxSafeInteger or < -MaxSafeInteger) return false;
        }
        return true;
    }

    private static bool IsDigit(int c) => (uint)(c - '0') <= 9;

    // ---- Binary numbers ---------------------------------------------------------------------------------------------

    /// <summary>The bytes of a numeric or AT element (loading bulk data, or encoding numbers held as text).</summary>
    public static ReadOnlyMemory<byte> GetNumericBytes(DicomDataElement element)
    {
        if (element.Text is null) return element.GetBytes();
        // Numbers built as text ("512\1024"): parse them the way the readers do.
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        foreach (var range in element.Text.AsSpan().Split('\\'))
        {
            var part = element.Text.AsSpan()[range].Trim();
            if (part.IsEmpty) continue;
            if (!DicomValueParse.TryAppendNumber(element.VR, part, buffer))
                throw new FormatException($"'{part}' is not a valid {DicomVRInfo.Code(element.VR)} value of {element.Tag}.");
        }
        return buffer.WrittenMemory;
    }

    /// <summary>Number of values in the bytes of a binary numeric or AT element (trailing odd bytes are ignored).</summary>
    public static int CountNumbers(DicomVR vr, int byteLength) => byteLength / DicomVRInfo.ValueSize(vr);

    /// <summary>
    /// Formats value <paramref name="index"/> of a binary numeric element as text: integers in decimal, floats in their
    /// shortest round-trip form, and non-finite floats as <paramref name="nan"/>, <paramref name="positiveInfinity"/>,
    /// <paramref name="negativeInfinity"/>. <paramref name="isJsonNumber"/> tells whether the value may be written as a
    /// JSON number (F.2.3): false for non-finite floats, which JSON numbers cannot express, and for SV and UV values beyond
    /// ±2^53, which an IEEE double (a JavaScript number) would change; such values are written as strings.
    /// </summary>
    public static int FormatNumber(DicomVR vr, ReadOnlySpan<byte> bytes, int index, Span<char> destination,
        string nan, string positiveInfinity, string negativeInfinity, out bool isJsonNumber)
    {
        var inv = CultureInfo.InvariantCulture;
        int written;
        isJsonNumber = true;
        switch (vr)
        {
            case DicomVR.US: BinaryPrimitives.ReadUInt16LittleEndian(bytes[(index * 2)..]).TryFormat(destination, out written, default, inv); break;
            case DicomVR.SS: BinaryPrimitives.ReadInt16LittleEndian(bytes[(index * 2)..]).TryFormat(destination, out written, default, inv); break;
            case DicomVR.UL: BinaryPrimitives.ReadUInt32LittleEndian(bytes[(index * 4)..]).TryFormat(destination, out written, default, inv); break;
            case DicomVR.SL: BinaryPrimitives.ReadInt32LittleEndian(bytes[(index * 4)..]).TryFormat(destination, out written, default, inv); break;
            case DicomVR.SV:
                {
                    var v = BinaryPrimitives.ReadInt64LittleEndian(bytes[(index * 8)..]);
                    isJsonNumber = v is >= -MaxSafeInteger and <= MaxSafeInteger;
                    v.TryFormat(destination, out written, default, inv);
                    break;
                }
            case DicomVR.UV:
                {
                    var v = BinaryPrimitives.ReadUInt64LittleEndian(bytes[(index * 8)..]);
                    isJsonNumber = v <= MaxSafeInteger;
                    v.TryFormat(destination, out written, default, inv);
                    break;
                }
            case DicomVR.FL:
                {
                    var f = BinaryPrimitives.ReadSingleLittleEndian(bytes[(index * 4)..]);
                    isJsonNumber = float.IsFinite(f);
                    if (!isJsonNumber) return CopyName(float.IsNaN(f) ? nan : f > 0 ? positiveInfinity : negativeInfinity, destination);
                    f.TryFormat(destination, out written, "R", inv);
                    break;
                }
            case DicomVR.FD:
                {
                    var d = BinaryPrimitives.ReadDoubleLittleEndian(bytes[(index * 8)..]);
                    isJsonNumber = double.IsFinite(d);
                    if (!isJsonNumber) return CopyName(double.IsNaN(d) ? nan : d > 0 ? positiveInfinity : negativeInfinity, destination);
                    d.TryFormat(destination, out written, "R", inv);
                    break;
                }
            default: throw new ArgumentOutOfRangeException(nameof(vr));
        }
        return written;
    }

    private static int CopyName(string name, Span<char> destination)
    {
        name.CopyTo(destination);
        return name.Length;
    }

    /// <summary>Value <paramref name="index"/> of an AT element: group and element as 16-bit little-endian words.</summary>
    public static uint ReadTag(ReadOnlySpan<byte> bytes, int index) =>
        (uint)BinaryPrimitives.ReadUInt16LittleEndian(bytes[(index * 4)..]) << 16 | BinaryPrimitives.ReadUInt16LittleEndian(bytes[(index * 4 + 2)..]);

    // ---- Private data elements --------------------------------------------------------------------------------------

    /// <summary>
    /// For a private data element (gggg,xxee) whose block is reserved by a creator element (gggg,00xx) in the same data set,
    /// the creator's value; null otherwise (private creators themselves, gggg,0001-000F, or no or an empty creator).
    /// </summary>
    public static string? FindPrivateCreator(DicomDataset dataset, DicomTag tag)
    {
        if (!tag.IsPrivate || tag.Element < 0x1000) return null;
        if (!dataset.TryGet<DicomDataElement>(tag.PrivateCreator, out var creator)) return null;
        var value = creator.GetString(dataset.CharacterSet);
        return value.Length == 0 ? null : value;
    }

    // ---- Binary values ----------------------------------------------------------------------------------------------

    /// <summary>Length in bytes of a binary value as written inline (the encapsulated stream for pixel data); -1 if unknown.</summary>
    public static long BinaryLength(DicomElement element)
    {
        switch (element)
        {
            case DicomDataElement data: return data.ByteLength;
            case DicomFragmentSequence fragments:
                var length = 8L + 4L * fragments.BasicOffsetTable.Length + 8;
                foreach (var fragment in fragments.Fragments) length += 8 + fragment.Length;
                return length;
            default: return -1;
        }
    }

    /// <summary>
    /// Opens a binary value for reading in chunks: bulk data from its source, or encapsulated pixel data as the byte stream
    /// PS3.5 §A.4 defines (offset table item, fragment items with their headers, sequence delimiter), little endian.
    /// </summary>
    public static Stream OpenBinary(DicomElement element) => element switch
    {
        DicomDataElement { BulkData: { } reference } => reference.Open(),
        DicomDataElement data => new MemoryStream(data.GetBytes().ToArray(), writable: false),
        DicomFragmentSequence fragments => new EncapsulatedStream(fragments),
        _ => throw new ArgumentException("not a binary value", nameof(element)),
    };

    /// <summary>Reads encapsulated pixel data as one stream: items with their headers, then the sequence delimiter.</summary>
    private sealed class EncapsulatedStream(DicomFragmentSequence fragments) : ReadOnlyStream
    {
        private readonly byte[] _header = new byte[8];
        private int _part = -1;              // -1: offset table; 0..n-1: fragments; n: delimiter; n+1: done
        private int _headerLeft;
        private ReadOnlyMemory<byte> _memory;
        private Stream? _stream;
        private bool _started;

        public override int Read(Span<byte> buffer)
        {
            if (!_started)
            {
                _started = true;
                var table = new byte[fragments.BasicOffsetTable.Length * 4];
                for (var i = 0; i < fragments.BasicOffsetTable.Length; i++)
                    BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(i * 4), fragments.BasicOffsetTable[i]);
                SetHeader(DicomTag.Item, (uint)table.Length);
                _memory = table;
            }
            var total = 0;
            while (buffer.Length > 0)
            {
                if (_headerLeft > 0)
                {
                    var n = Math.Min(_headerLeft, buffer.Length);
                    _header.AsSpan(8 - _headerLeft, n).CopyTo(buffer);
                    _headerLeft -= n;
                    buffer = buffer[n..];
                    total += n;
                    continue;
                }
                if (!_memory.IsEmpty)
                {
                    var n = Math.Min(_memory.Length, buffer.Length);
                    _memory.Span[..n].CopyTo(buffer);
                    _memory = _memory[n..];
                    buffer = buffer[n..];
                    total += n;
                    continue;
                }
                if (_stream is not null)
                {
                    var n = _stream.Read(buffer);
                    if (n > 0)
                    {
                        buffer = buffer[n..];
                        total += n;
                        continue;
                    }
                    _stream.Dispose();
                    _stream = null;
                }
                if (!NextPart()) break;
            }
            return total;
        }

        private bool NextPart()
        {
            _part++;
            var count = fragments.Fragments.Count;
            if (_part < count)
            {
                var fragment = fragments.Fragments[_part];
                SetHeader(DicomTag.Item, (uint)fragment.Length);
                if (fragment.Data is { } data) _memory = data;
                else _stream = fragment.Reference!.Open();
                return true;
            }
            if (_part == count)
            {
                SetHeader(DicomTag.SequenceDelimitationItem, 0);
                return true;
            }
            return false;
        }

        private void SetHeader(DicomTag tag, uint length)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(_header, tag.Group);
            BinaryPrimitives.WriteUInt16LittleEndian(_header.AsSpan(2), tag.Element);
            BinaryPrimitives.WriteUInt32LittleEndian(_header.AsSpan(4), length);
            _headerLeft = 8;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _stream?.Dispose();
            base.Dispose(disposing);
        }
    }
}

/// <summary>
/// Splits a string value on backslash (for VRs that allow several values) and trims each value's padding.
/// An all-padding value has no values; "A\\" has two, the second empty.
/// </summary>
internal ref struct DicomValueSplitter<T> where T : unmanaged
{
    private readonly DicomVR _vr;
    private readonly bool _multi;
    private ReadOnlySpan<T> _rest;
    private bool _done;

    /// <summary>Starts splitting <paramref name="value"/>, the whole value of an element of VR <paramref name="vr"/>.</summary>
    public DicomValueSplitter(ReadOnlySpan<T> value, DicomVR vr)
    {
        _vr = vr;
        _multi = DicomVRInfo.IsMultiValuedString(vr);
        _rest = DicomValueFormat.Trim(value, vr);
        _done = _rest.IsEmpty;
    }

    /// <summary>True when the element has no value at all.</summary>
    public readonly bool IsEmpty => _done;

    /// <summary>The next value, trimmed; false after the last.</summary>
    public bool MoveNext(out ReadOnlySpan<T> value)
    {
        if (_done)
        {
            value = default;
            return false;
        }
        var slash = _multi ? DicomValueFormat.IndexOf(_rest, '\\') : -1;
        if (slash < 0)
        {
            value = DicomValueFormat.Trim(_rest, _vr);
            _done = true;
            return true;
        }
        value = DicomValueFormat.Trim(_rest[..slash], _vr);
        _rest = _rest[(slash + 1)..];
        return true;
    }
}

/// <summary>Tracks the (sequence, item) steps from the top-level data set down to the element being written.</summary>
internal sealed class DicomPathTracker
{
    private readonly List<DicomPathStep> _steps = [];

    /// <summary>Steps into item <paramref name="index"/> of sequence <paramref name="sequence"/>.</summary>
    public void Push(DicomTag sequence, int index) => _steps.Add(new DicomPathStep(sequence, index));

    /// <summary>Steps back out of the current item.</summary>
    public void Pop() => _steps.RemoveAt(_steps.Count - 1);

    /// <summary>
    /// The URI the policy chooses for a binary value, or null to write it inline. The path is copied only when the
    /// policy has a factory to call.
    /// </summary>
    public string? GetBulkDataUri(DicomBulkDataPolicy policy, DicomElement element)
    {
        if (policy.UriFactory is null) return null;
        var context = new DicomBulkDataContext(element, _steps.ToArray());
        return policy.GetUri(context, DicomValueFormat.BinaryLength(element));
    }
}
