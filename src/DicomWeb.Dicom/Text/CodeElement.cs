using System.Text;

namespace DicomWeb.Dicom;

/// <summary>How a graphic character set encodes characters.</summary>
internal enum CodeElementKind
{
    /// <summary>ISO 646 style 94-character set for G0 that reads like ASCII (ASCII, JIS X 0201 Romaji).</summary>
    Ascii,

    /// <summary>Single-byte set whose characters live in 0xA0-0xFF (GR form) when invoked in G1.</summary>
    SingleByte,

    /// <summary>94x94 double-byte set; each character is two bytes 0xA1-0xFE in GR form.</summary>
    DoubleByte,
}

/// <summary>
/// One graphic character set that ISO 2022 escape sequences can designate (PS3.3 C.12.1.1.2, PS3.5 §6.1.2.5).
/// Characters are handled in their "GR form" (high bit set); when the set is designated to G0 the
/// 7-bit bytes are converted by OR-ing 0x80 (so JIS X 0208 after ESC $ B turns into EUC-JP).
/// </summary>
internal sealed class CodeElement
{
    private readonly char[]? _high;                 // SingleByte: chars for bytes 0x80..0xFF
    private readonly Dictionary<char, byte>? _reverse; // SingleByte: char -> byte 0x80..0xFF
    private readonly Encoding? _encoding;           // DoubleByte: decoder/encoder over GR-form pairs (after transform)
    private readonly bool _lowSecondByte;           // code page 20932 keeps JIS X 0212 second bytes in 0x21..0x7E

    private CodeElement(string name, CodeElementKind kind, bool g0, byte[] escape, char[]? high = null,
        Encoding? encoding = null, bool lowSecondByte = false)
    {
        Name = name;
        Kind = kind;
        DesignatesG0 = g0;
        Escape = escape;
        _high = high;
        _encoding = encoding;
        _lowSecondByte = lowSecondByte;
        if (high is not null)
        {
            _reverse = new Dictionary<char, byte>(128);
            for (int i = 0; i < 128; i++)
            {
                char c = high[i];
                if (c != '\uFFFD') _reverse.TryAdd(c, (byte)(0x80 + i));
            }
        }
    }

    /// <summary>Name for diagnostics.</summary>
    public string Name { get; }

    /// <summary>Kind of encoding.</summary>
    public CodeElementKind Kind { get; }

    /// <summary>True if <see cref="Escape"/> designates the set to G0 (7-bit bytes), false for G1 (8-bit bytes).</summary>
    public bool DesignatesG0 { get; }

    /// <summary>The escape sequence used when encoding.</summary>
    public byte[] Escape { get; }

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>Decodes one byte (GR form, 0x80..0xFF) of a single-byte set.</summary>
    public char DecodeHigh(byte b) => _high![b - 0x80];

    /// <summary>Encodes a non-ASCII character of a single-byte set into its GR-form byte.</summary>
    public bool TryEncodeSingle(char c, out byte b)
    {
        if (_reverse is not null && _reverse.TryGetValue(c, out b)) return true;
        b = 0;
        return false;
    }

    /// <summary>
    /// Decodes byte pairs of a double-byte set (7-bit or 8-bit; <paramref name="pairs"/> has even length)
    /// into <paramref name="dest"/>, returning the number of chars written (at most pairs.Length).
    /// </summary>
    public int DecodeDouble(ReadOnlySpan<byte> pairs, Span<char> dest)
    {
        const int StackLimit = 256;
        byte[]? rented = null;
        Span<byte> tmp = pairs.Length <= StackLimit ? stackalloc byte[StackLimit] : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(pairs.Length));
        try
        {
            for (int i = 0; i + 1 < pairs.Length; i += 2)
            {
                tmp[i] = (byte)(pairs[i] | 0x80);
                tmp[i + 1] = _lowSecondByte ? (byte)(pairs[i + 1] & 0x7F) : (byte)(pairs[i + 1] | 0x80);
            }
            return _encoding!.GetChars(tmp[..pairs.Length], dest);
        }
        finally
        {
            if (rented is not null) System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Encodes one character (or surrogate pair) of a double-byte set into two GR-form bytes.</summary>
    public bool TryEncodeDouble(ReadOnlySpan<char> ch, out byte b1, out byte b2)
    {
        Span<byte> tmp = stackalloc byte[8];
        int n = _encoding!.GetBytes(ch, tmp);
        b1 = b2 = 0;
        if (n != 2 || tmp[0] < 0xA1 || tmp[0] > 0xFE) return false;
        if (_lowSecondByte)
        {
            if (tmp[1] < 0x21 || tmp[1] > 0x7E) return false;
            b2 = (byte)(tmp[1] | 0x80);
        }
        else
        {
            if (tmp[1] < 0xA1 || tmp[1] > 0xFE) return false;
            b2 = tmp[1];
        }
        b1 = tmp[0];
        return true;
    }

    // ---- The sets -----------------------------------------------------------------------------------------------

    private const byte Esc = 0x1B;

    /// <summary>ISO-IR 6 (ASCII), ESC ( B.</summary>
    public static readonly CodeElement Ascii = new("ISO-IR 6", CodeElementKind.Ascii, true, [Esc, (byte)'(', (byte)'B']);

    /// <summary>ISO-IR 14 (JIS X 0201 Romaji), ESC ( J; decoded like ASCII so that '\' stays the value delimiter.</summary>
    public static readonly CodeElement JisRoman = new("ISO-IR 14", CodeElementKind.Ascii, true, [Esc, (byte)'(', (byte)'J']);

    /// <summary>ISO-IR 13 (JIS X 0201 Katakana) in G1, ESC ) I.</summary>
    public static readonly CodeElement Katakana = new("ISO-IR 13", CodeElementKind.SingleByte, false, [Esc, (byte)')', (byte)'I'], KatakanaTable());

    /// <summary>ISO-IR 100 (Latin-1 right half).</summary>
    public static readonly CodeElement Latin1 = Sbcs("ISO-IR 100", 'A', 28591);
    /// <summary>ISO-IR 101 (Latin-2).</summary>
    public static readonly CodeElement Latin2 = Sbcs("ISO-IR 101", 'B', 28592);
    /// <summary>ISO-IR 109 (Latin-3).</summary>
    public static readonly CodeElement Latin3 = Sbcs("ISO-IR 109", 'C', 28593);
    /// <summary>ISO-IR 110 (Latin-4).</summary>
    public static readonly CodeElement Latin4 = Sbcs("ISO-IR 110", 'D', 28594);
    /// <summary>ISO-IR 126 (Greek).</summary>
    public static readonly CodeElement Greek = Sbcs("ISO-IR 126", 'F', 28597);
    /// <summary>ISO-IR 127 (Arabic).</summary>
    public static readonly CodeElement Arabic = Sbcs("ISO-IR 127", 'G', 28596);
    /// <summary>ISO-IR 138 (Hebrew).</summary>
    public static readonly CodeElement Hebrew = Sbcs("ISO-IR 138", 'H', 28598);
    /// <summary>ISO-IR 144 (Cyrillic).</summary>
    public static readonly CodeElement Cyrillic = Sbcs("ISO-IR 144", 'L', 28595);
    /// <summary>ISO-IR 148 (Latin-5).</summary>
    public static readonly CodeElement Latin5 = Sbcs("ISO-IR 148", 'M', 28599);
    /// <summary>ISO-IR 166 (TIS-620 Thai; windows-874 is a superset).</summary>
    public static readonly CodeElement Thai = Sbcs("ISO-IR 166", 'T', 874);

    /// <summary>ISO-IR 87 (JIS X 0208) in G0, ESC $ B (code page 20932 keeps the JIS standard mappings).</summary>
    public static readonly CodeElement Jis0208 = new("ISO-IR 87", CodeElementKind.DoubleByte, true, [Esc, (byte)'$', (byte)'B'],
        encoding: DicomEncodings.Get(20932));

    /// <summary>ISO-IR 159 (JIS X 0212) in G0, ESC $ ( D (code page 20932: lead byte high, trail byte low).</summary>
    public static readonly CodeElement Jis0212 = new("ISO-IR 159", CodeElementKind.DoubleByte, true, [Esc, (byte)'$', (byte)'(', (byte)'D'],
        encoding: DicomEncodings.Get(20932), lowSecondByte: true);

    /// <summary>ISO-IR 149 (KS X 1001) in G1, ESC $ ) C; GR bytes are EUC-KR.</summary>
    public static readonly CodeElement Ksc5601 = new("ISO-IR 149", CodeElementKind.DoubleByte, false, [Esc, (byte)'$', (byte)')', (byte)'C'],
        encoding: DicomEncodings.Get(51949));

    /// <summary>ISO-IR 58 (GB 2312) in G1, ESC $ ) A; GR bytes are EUC-CN.</summary>
    public static readonly CodeElement Gb2312 = new("ISO-IR 58", CodeElementKind.DoubleByte, false, [Esc, (byte)'$', (byte)')', (byte)'A'],
        encoding: DicomEncodings.Get(20936));

    private static CodeElement Sbcs(string name, char final, int codePage)
    {
        var table = new char[128];
        if (codePage == 28591)
        {
            for (int i = 0; i < 128; i++) table[i] = (char)(0x80 + i);
        }
        else
        {
            Encoding enc = DicomEncodings.Get(codePage);
            Span<byte> one = stackalloc byte[1];
            Span<char> ch = stackalloc char[4];
            for (int i = 0; i < 128; i++)
            {
                one[0] = (byte)(0x80 + i);
                int n = enc.GetChars(one, ch);
                table[i] = n == 1 ? ch[0] : '\uFFFD';
            }
            // Keep only mappings that survive an encode round trip.
            Span<byte> back = stackalloc byte[8];
            for (int i = 0; i < 128; i++)
            {
                if (table[i] == '\uFFFD') continue;
                int n = enc.GetBytes([table[i]], back);
                if (n != 1 || back[0] != 0x80 + i) table[i] = '\uFFFD';
            }
        }
        return new CodeElement(name, CodeElementKind.SingleByte, false, [Esc, (byte)'-', (byte)final], table);
    }

    private static char[] KatakanaTable()
    {
        var table = new char[128];
        for (int i = 0; i < 128; i++)
        {
            int b = 0x80 + i;
            table[i] = b is >= 0xA1 and <= 0xDF ? (char)(0xFF61 + (b - 0xA1)) : '\uFFFD';
        }
        return table;
    }

    /// <summary>
    /// Recognizes an ISO 2022 designation escape sequence at the start of <paramref name="s"/> (which starts with ESC).
    /// </summary>
    /// <param name="s">Bytes starting at the ESC.</param>
    /// <param name="length">Length of the sequence.</param>
    /// <param name="element">The designated set.</param>
    /// <param name="toG0">True if designated to G0, false for G1.</param>
    public static bool TryParseEscape(ReadOnlySpan<byte> s, out int length, out CodeElement? element, out bool toG0)
    {
        length = 0;
        element = null;
        toG0 = false;
        if (s.Length < 3) return false;
        byte i1 = s[1];
        byte f = s[2];
        switch (i1)
        {
            case (byte)'(':
                toG0 = true;
                element = f switch { (byte)'B' => Ascii, (byte)'J' => JisRoman, (byte)'I' => Katakana, _ => null };
                length = 3;
                break;
            case (byte)')':
                element = f switch { (byte)'I' => Katakana, _ => null };
                length = 3;
                break;
            case (byte)'-':
                element = f switch
                {
                    (byte)'A' => Latin1, (byte)'B' => Latin2, (byte)'C' => Latin3, (byte)'D' => Latin4,
                    (byte)'F' => Greek, (byte)'G' => Arabic, (byte)'H' => Hebrew, (byte)'L' => Cyrillic,
                    (byte)'M' => Latin5, (byte)'T' => Thai, _ => null,
                };
                length = 3;
                break;
            case (byte)'$':
                if (f is (byte)'@' or (byte)'B') { element = Jis0208; toG0 = true; length = 3; }
                else if (f == (byte)'A') { element = Gb2312; toG0 = true; length = 3; }
                else if (f is (byte)'(' or (byte)')' && s.Length >= 4)
                {
                    toG0 = f == (byte)'(';
                    element = s[3] switch
                    {
                        (byte)'@' or (byte)'B' => Jis0208, (byte)'D' => Jis0212, (byte)'C' => Ksc5601, (byte)'A' => Gb2312, _ => null,
                    };
                    length = 4;
                }
                break;
        }
        return element is not null;
    }
}
