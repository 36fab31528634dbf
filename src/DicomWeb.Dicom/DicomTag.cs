using System.Globalization;

namespace DicomWeb.Dicom;

/// <summary>A DICOM attribute tag: group and element packed into 32 bits, ordered as the standard orders data sets.</summary>
public readonly struct DicomTag : IEquatable<DicomTag>, IComparable<DicomTag>
{
    /// <summary>Creates a tag from its group and element numbers.</summary>
    public DicomTag(ushort group, ushort element) => Value = ((uint)group << 16) | element;

    /// <summary>Creates a tag from its packed 32-bit value (group in the high half).</summary>
    public DicomTag(uint value) => Value = value;

    /// <summary>The packed value, group in the high 16 bits.</summary>
    public uint Value { get; }

    /// <summary>The group number.</summary>
    public ushort Group => (ushort)(Value >> 16);

    /// <summary>The element number.</summary>
    public ushort Element => (ushort)Value;

    /// <summary>True for tags in odd groups other than 0001, 0003, 0005, 0007 and FFFF (PS3.5 §7.8.1).</summary>
    public bool IsPrivate => (Group & 1) == 1 && Group > 0x0007 && Group != 0xFFFF;

    /// <summary>True for a private creator element (gggg,0010-00FF) in a private group.</summary>
    public bool IsPrivateCreator => IsPrivate && Element is >= 0x0010 and <= 0x00FF;

    /// <summary>True for a group length element (gggg,0000).</summary>
    public bool IsGroupLength => Element == 0;

    /// <summary>For a private data element (gggg,xxee), the creator element (gggg,00xx) that reserves its block.</summary>
    public DicomTag PrivateCreator => new(Group, (ushort)(Element >> 8));

    /// <summary>Item (FFFE,E000).</summary>
    public static readonly DicomTag Item = new(0xFFFE, 0xE000);
    /// <summary>Item Delimitation Item (FFFE,E00D).</summary>
    public static readonly DicomTag ItemDelimitationItem = new(0xFFFE, 0xE00D);
    /// <summary>Sequence Delimitation Item (FFFE,E0DD).</summary>
    public static readonly DicomTag SequenceDelimitationItem = new(0xFFFE, 0xE0DD);

    /// <summary>Parses "GGGGEEEE", "(GGGG,EEEE)" or "GGGG,EEEE" (hexadecimal, any case).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DicomTag tag)
    {
        tag = default;
        text = text.Trim();
        if (text.Length == 11 && text[0] == '(' && text[10] == ')') text = text[1..10];
        Span<char> digits = stackalloc char[8];
        if (text.Length == 9 && text[4] == ',')
        {
            text[..4].CopyTo(digits);
            text[5..].CopyTo(digits[4..]);
        }
        else if (text.Length == 8) text.CopyTo(digits);
        else return false;
        if (!uint.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)) return false;
        tag = new DicomTag(value);
        return true;
    }

    /// <summary>Formats as eight upper-case hexadecimal digits, the DICOM JSON key form.</summary>
    public string ToHexString() => Value.ToString("X8", CultureInfo.InvariantCulture);

    /// <summary>Writes the eight hexadecimal digits into <paramref name="destination"/>.</summary>
    public bool TryFormatHex(Span<char> destination) => Value.TryFormat(destination, out _, "X8", CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override string ToString() => $"({Group:X4},{Element:X4})";
    /// <inheritdoc />
    public bool Equals(DicomTag other) => Value == other.Value;
    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is DicomTag other && Equals(other);
    /// <inheritdoc />
    public override int GetHashCode() => (int)Value;
    /// <inheritdoc />
    public int CompareTo(DicomTag other) => Value.CompareTo(other.Value);
    /// <summary>Equality.</summary>
    public static bool operator ==(DicomTag a, DicomTag b) => a.Value == b.Value;
    /// <summary>Inequality.</summary>
    public static bool operator !=(DicomTag a, DicomTag b) => a.Value != b.Value;
    /// <summary>Ordering.</summary>
    public static bool operator <(DicomTag a, DicomTag b) => a.Value < b.Value;
    /// <summary>Ordering.</summary>
    public static bool operator >(DicomTag a, DicomTag b) => a.Value > b.Value;
    /// <summary>Ordering.</summary>
    public static bool operator <=(DicomTag a, DicomTag b) => a.Value <= b.Value;
    /// <summary>Ordering.</summary>
    public static bool operator >=(DicomTag a, DicomTag b) => a.Value >= b.Value;
}
