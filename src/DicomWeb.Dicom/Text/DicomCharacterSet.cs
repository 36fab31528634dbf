using System.Buffers;
using System.Collections.Concurrent;
using System.Text;

namespace DicomWeb.Dicom;

/// <summary>
/// A Specific Character Set (0008,0005): decodes the bytes of string values to .NET strings and encodes them back
/// (PS3.3 C.12.1.1.2, PS3.5 §6.1 and Annexes H-K).
/// </summary>
/// <remarks>
/// <para>Supported: the default repertoire (ISO_IR 6), the single-byte sets ISO_IR 100, 101, 109, 110, 126, 127, 138,
/// 144, 148, 13 and 166, ISO_IR 192 (UTF-8), GB18030 and GBK without code extensions, and ISO 2022 code extensions
/// with escape sequences for all of those single-byte sets plus ISO 2022 IR 87 (JIS X 0208), IR 159 (JIS X 0212),
/// IR 149 (KS X 1001) and IR 58 (GB 2312).</para>
/// <para>Decoding is lenient and never throws: unknown terms fall back to the default repertoire, bytes above 0x7F that
/// no character set covers decode as Latin-1, escape sequences are honoured even when the terms don't announce them,
/// and "ISO_IR 13" values are decoded as Shift_JIS (a superset of JIS X 0201 found in real files).
/// Instances are immutable and thread-safe.</para>
/// </remarks>
public sealed class DicomCharacterSet
{
    private enum Mode : byte
    {
        Default,     // ISO_IR 6 (or unknown): ASCII, high bytes leniently as Latin-1
        Latin1,      // ISO_IR 100
        SingleByte,  // other ISO_IR single-byte sets, via _single's table
        ShiftJis,    // ISO_IR 13 without code extensions
        Utf8,        // ISO_IR 192
        Gb18030,     // GB18030
        Gbk,         // GBK
        Iso2022,     // code extensions
    }

    private const byte Esc = 0x1B;
    private const int StackChars = 512;
    private const int MaxCached = 512;

    private static readonly SearchValues<byte> s_escOrHigh = SearchValues.Create(BuildEscOrHigh());
    private static readonly ConcurrentDictionary<string, DicomCharacterSet> s_cache = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, DicomCharacterSet>.AlternateLookup<ReadOnlySpan<char>> s_lookup =
        s_cache.GetAlternateLookup<ReadOnlySpan<char>>();

    private readonly Mode _mode;
    private readonly CodeElement? _single;          // SingleByte mode
    private readonly Encoding? _whole;              // ShiftJis, Gb18030, Gbk: probing encoding
    private readonly Encoding? _wholeLenient;       // ditto, '?' for unencodable characters
    // ISO 2022 state machine configuration (also used to tolerate escapes in single-byte modes).
    private readonly CodeElement _initialG0;
    private readonly CodeElement? _initialG1;
    private readonly CodeElement? _fallbackG1;      // for bytes >= 0x80 when nothing is designated to G1
    private readonly CodeElement[] _extensions;     // sets the encoder may switch to, in term order

    static DicomCharacterSet()
    {
        Default = new DicomCharacterSet([]);
        Utf8 = new DicomCharacterSet(["ISO_IR 192"]);
        s_cache["ISO_IR 192"] = Utf8;
    }

    private DicomCharacterSet(string[] terms)
    {
        Terms = terms;
        IsRecognized = true;
        _initialG0 = CodeElement.Ascii;
        _extensions = [];

        var parsed = new Term[terms.Length];
        bool any2022 = false;
        for (int i = 0; i < terms.Length; i++)
        {
            parsed[i] = ParseTerm(terms[i]);
            if (!parsed[i].Known) IsRecognized = false;
            any2022 |= parsed[i].Is2022;
        }

        // Character sets without code extensions win if present anywhere (they may only be used alone).
        foreach (var t in parsed)
        {
            if (t.Whole == WholeKind.None) continue;
            switch (t.Whole)
            {
                case WholeKind.Utf8: _mode = Mode.Utf8; break;
                case WholeKind.Gb18030: _mode = Mode.Gb18030; _whole = DicomEncodings.Get(54936); _wholeLenient = DicomEncodings.GetLenient(54936); break;
                default: _mode = Mode.Gbk; _whole = DicomEncodings.Get(936); _wholeLenient = DicomEncodings.GetLenient(936); break;
            }
            return;
        }

        Term first = parsed.Length > 0 ? parsed[0] : default;
        bool firstSingle = first.Set is null || first.Set.Kind != CodeElementKind.DoubleByte;
        if (firstSingle)
        {
            _initialG0 = first.G0 ?? CodeElement.Ascii;
            _initialG1 = first.Set;
        }

        var ext = new List<CodeElement>(parsed.Length);
        foreach (var t in parsed)
        {
            if (t.Set is not null && !ext.Contains(t.Set)) ext.Add(t.Set);
        }
        _extensions = [.. ext];
        _fallbackG1 = _initialG1 ?? (ext.Count > 0 ? ext[0] : null);

        if (parsed.Length <= 1 && !any2022 && firstSingle)
        {
            if (first.Set is null) _mode = Mode.Default;
            else if (first.Set == CodeElement.Latin1) _mode = Mode.Latin1;
            else if (first.Set == CodeElement.Katakana)
            {
                _mode = Mode.ShiftJis;
                _whole = DicomEncodings.Get(932);
                _wholeLenient = DicomEncodings.GetLenient(932);
            }
            else
            {
                _mode = Mode.SingleByte;
                _single = first.Set;
            }
        }
        else
        {
            _mode = Mode.Iso2022;
        }
    }

    /// <summary>The default repertoire ISO_IR 6 (no Specific Character Set); bytes above 0x7F decode leniently as Latin-1.</summary>
    public static DicomCharacterSet Default { get; }

    /// <summary>ISO_IR 192 (UTF-8).</summary>
    public static DicomCharacterSet Utf8 { get; }

    /// <summary>The values of Specific Character Set this instance was made from (empty for <see cref="Default"/>).</summary>
    public IReadOnlyList<string> Terms { get; }

    /// <summary>False if some term was not recognized (the unknown terms are then ignored, falling back to the default repertoire).</summary>
    public bool IsRecognized { get; }

    /// <summary>
    /// The character set for the values of (0008,0005), already split on '\' (the first value may be empty,
    /// meaning ISO 2022 IR 6). Tolerates spelling variants such as "ISO-IR 100", "ISO_IR100" or lower case.
    /// Instances are cached.
    /// </summary>
    /// <param name="terms">The values of Specific Character Set.</param>
    public static DicomCharacterSet FromTerms(IReadOnlyList<string> terms)
    {
        if (terms is null || terms.Count == 0) return Default;
        string key;
        if (terms.Count == 1)
        {
            key = terms[0] ?? string.Empty;
            if (s_cache.TryGetValue(key, out var cached)) return cached;
        }
        else
        {
            // Look up the joined terms without allocating them.
            int length = terms.Count - 1;
            for (int i = 0; i < terms.Count; i++) length += terms[i]?.Length ?? 0;
            char[]? rented = null;
            Span<char> joined = length <= 256 ? stackalloc char[256] : (rented = ArrayPool<char>.Shared.Rent(length));
            try
            {
                int pos = 0;
                for (int i = 0; i < terms.Count; i++)
                {
                    if (i > 0) joined[pos++] = '\\';
                    (terms[i] ?? string.Empty).CopyTo(joined[pos..]);
                    pos += terms[i]?.Length ?? 0;
                }
                if (s_lookup.TryGetValue(joined[..length], out var cached)) return cached;
                key = new string(joined[..length]);
            }
            finally
            {
                if (rented is not null) ArrayPool<char>.Shared.Return(rented);
            }
        }
        var copy = new string[terms.Count];
        for (int i = 0; i < copy.Length; i++) copy[i] = terms[i] ?? string.Empty;
        var cs = new DicomCharacterSet(copy);
        return s_cache.Count < MaxCached ? s_cache.GetOrAdd(key, cs) : cs;
    }

    /// <summary>The character set for a raw (0008,0005) value such as "\ISO 2022 IR 87" (split on '\' and trimmed).</summary>
    /// <param name="value">The value, or null/empty for the default repertoire.</param>
    public static DicomCharacterSet FromValue(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return Default;
        string[] parts = value.Split('\\');
        for (int i = 0; i < parts.Length; i++) parts[i] = parts[i].Trim(' ', '\0');
        return FromTerms(parts);
    }

    /// <inheritdoc/>
    public override string ToString() => Terms.Count == 0 ? "ISO_IR 6" : string.Join('\\', Terms);

    // ---- Decoding -----------------------------------------------------------------------------------------------

    /// <summary>
    /// Decodes a whole (possibly multi-valued, still padded) value. VRs that Specific Character Set does not apply to
    /// (<see cref="DicomVRInfo.UsesCharacterSet"/>) decode as ASCII/Latin-1. Never throws.
    /// </summary>
    /// <param name="value">The value bytes.</param>
    /// <param name="vr">The element's VR (selects the delimiters at which ISO 2022 state resets).</param>
    public string Decode(ReadOnlySpan<byte> value, DicomVR vr)
    {
        if (value.IsEmpty) return string.Empty;
        if (!DicomVRInfo.UsesCharacterSet(vr)) return Encoding.Latin1.GetString(value);
        switch (_mode)
        {
            case Mode.Utf8:
                return DicomEncodings.Utf8.GetString(value);
            case Mode.Gb18030:
            case Mode.Gbk:
                return _whole!.GetString(value);
            case Mode.Default:
            case Mode.Latin1:
                return value.IndexOf(Esc) < 0 ? Encoding.Latin1.GetString(value) : DecodeIso2022(value, vr);
            case Mode.ShiftJis:
            {
                int k = value.IndexOfAny(s_escOrHigh);
                if (k < 0) return Encoding.Latin1.GetString(value);
                return value[k..].IndexOf(Esc) < 0 ? _whole!.GetString(value) : DecodeIso2022(value, vr);
            }
            case Mode.SingleByte:
            {
                int k = value.IndexOfAny(s_escOrHigh);
                if (k < 0) return Encoding.Latin1.GetString(value);
                return value[k..].IndexOf(Esc) < 0 ? DecodeSingleByte(value, _single!) : DecodeIso2022(value, vr);
            }
            default:
                return value.IndexOfAny(s_escOrHigh) < 0 ? Encoding.Latin1.GetString(value) : DecodeIso2022(value, vr);
        }
    }

    private static string DecodeSingleByte(ReadOnlySpan<byte> value, CodeElement set)
    {
        char[]? rented = null;
        Span<char> buf = value.Length <= StackChars ? stackalloc char[StackChars] : (rented = ArrayPool<char>.Shared.Rent(value.Length));
        try
        {
            for (int i = 0; i < value.Length; i++)
            {
                byte b = value[i];
                buf[i] = b < 0x80 ? (char)b : set.DecodeHigh(b);
            }
            return new string(buf[..value.Length]);
        }
        finally
        {
            if (rented is not null) ArrayPool<char>.Shared.Return(rented);
        }
    }

    private static bool IsReset(int b, bool multiValued, bool pn) => b switch
    {
        0x09 or 0x0A or 0x0C or 0x0D => true,
        '\\' => multiValued,
        '^' or '=' => pn,
        _ => false,
    };

    private string DecodeIso2022(ReadOnlySpan<byte> v, DicomVR vr)
    {
        char[]? rented = null;
        Span<char> buf = v.Length <= StackChars ? stackalloc char[StackChars] : (rented = ArrayPool<char>.Shared.Rent(v.Length));
        try
        {
            bool pn = vr == DicomVR.PN;
            bool multi = DicomVRInfo.IsMultiValuedString(vr);
            CodeElement g0 = _initialG0;
            CodeElement? g1 = _initialG1;
            int o = 0, i = 0, n = v.Length;
            // Invariant: o <= i (no step writes more chars than it consumes bytes), so buf never overflows.
            while (i < n)
            {
                byte b = v[i];
                if (b == Esc)
                {
                    if (CodeElement.TryParseEscape(v[i..], out int len, out var e, out bool toG0))
                    {
                        if (toG0) g0 = e!;
                        else g1 = e;
                        i += len;
                    }
                    else
                    {
                        buf[o++] = (char)b; // unknown escape: keep it as a control character
                        i++;
                    }
                    continue;
                }

                if (b < 0x80)
                {
                    if (g0.Kind == CodeElementKind.Ascii || b <= 0x20 || b == 0x7F)
                    {
                        buf[o++] = (char)b;
                        i++;
                        if ((g0.Kind == CodeElementKind.Ascii || b < 0x20) && IsReset(b, multi, pn))
                        {
                            g0 = _initialG0;
                            g1 = _initialG1;
                        }
                        continue;
                    }
                    if (g0.Kind == CodeElementKind.SingleByte)
                    {
                        buf[o++] = g0.DecodeHigh((byte)(b | 0x80));
                        i++;
                        continue;
                    }
                    int j = i + 1;
                    while (j < n && v[j] is >= 0x21 and <= 0x7E) j++;
                    int pairs = (j - i) & ~1;
                    if (pairs == 0)
                    {
                        buf[o++] = (char)b;
                        i++;
                        continue;
                    }
                    o += g0.DecodeDouble(v.Slice(i, pairs), buf[o..]);
                    i += pairs;
                    continue;
                }

                CodeElement? set = g1 ?? _fallbackG1;
                if (set is null || set.Kind == CodeElementKind.Ascii)
                {
                    buf[o++] = (char)b;
                    i++;
                }
                else if (set.Kind == CodeElementKind.SingleByte)
                {
                    buf[o++] = set.DecodeHigh(b);
                    i++;
                }
                else
                {
                    int j = i;
                    while (j < n && v[j] is >= 0xA1 and <= 0xFE) j++;
                    int pairs = (j - i) & ~1;
                    if (pairs == 0)
                    {
                        buf[o++] = (char)b;
                        i++;
                        continue;
                    }
                    o += set.DecodeDouble(v.Slice(i, pairs), buf[o..]);
                    i += pairs;
                }
            }
            return new string(buf[..o]);
        }
        finally
        {
            if (rented is not null) ArrayPool<char>.Shared.Return(rented);
        }
    }

    // ---- Encoding -----------------------------------------------------------------------------------------------

    /// <summary>
    /// Encodes a value (without padding). Characters that can't be represented become '?'; check
    /// <see cref="CanEncode"/> first to avoid that. VRs that Specific Character Set does not apply to encode as Latin-1.
    /// For ISO 2022 multi-byte sets the needed escape sequences are emitted, switching back to the initial G0 set
    /// before delimiters and at the end.
    /// </summary>
    /// <param name="text">The value (several values joined with '\').</param>
    /// <param name="vr">The element's VR.</param>
    public byte[] Encode(string text, DicomVR vr)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0) return [];
        if (!DicomVRInfo.UsesCharacterSet(vr) || Ascii.IsValid(text)) return Encoding.Latin1.GetBytes(text);
        switch (_mode)
        {
            case Mode.Utf8:
                return DicomEncodings.Utf8.GetBytes(text);
            case Mode.Gb18030:
            case Mode.Gbk:
            case Mode.ShiftJis:
                return _wholeLenient!.GetBytes(text);
            case Mode.Default:
            case Mode.Latin1:
                return Encoding.Latin1.GetBytes(text);
            case Mode.SingleByte:
            {
                var result = new byte[text.Length];
                for (int i = 0; i < text.Length; i++)
                {
                    char c = text[i];
                    if (c < 0x80) result[i] = (byte)c;
                    else if (_single!.TryEncodeSingle(c, out byte b)) result[i] = b;
                    else result[i] = (byte)'?';
                }
                return result;
            }
            default:
            {
                var sink = new ByteSink(stackalloc byte[StackChars]);
                try
                {
                    EncodeIso2022(text, vr, ref sink, probe: false);
                    return sink.ToArray();
                }
                finally
                {
                    sink.Dispose();
                }
            }
        }
    }

    /// <summary>
    /// True if every character of <paramref name="text"/> can be represented in this character set
    /// (strictly: e.g. the default repertoire accepts ASCII only, ISO_IR 13 only JIS X 0201).
    /// For VRs that Specific Character Set does not apply to, true if every character is Latin-1.
    /// </summary>
    /// <param name="text">The value.</param>
    /// <param name="vr">The element's VR.</param>
    public bool CanEncode(string text, DicomVR vr)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!DicomVRInfo.UsesCharacterSet(vr)) return text.AsSpan().IndexOfAnyExceptInRange('\0', '\u00FF') < 0;
        if (Ascii.IsValid(text)) return true;
        switch (_mode)
        {
            case Mode.Default:
                return false;
            case Mode.Latin1:
                return text.AsSpan().IndexOfAnyExceptInRange('\0', '\u00FF') < 0;
            case Mode.SingleByte:
                foreach (char c in text)
                {
                    if (c >= 0x80 && !_single!.TryEncodeSingle(c, out _)) return false;
                }
                return true;
            case Mode.ShiftJis:
                foreach (char c in text)
                {
                    if (c >= 0x80 && c is not (>= '\uFF61' and <= '\uFF9F')) return false;
                }
                return true;
            case Mode.Utf8:
            case Mode.Gb18030:
                return IsWellFormedUtf16(text);
            case Mode.Gbk:
            {
                if (!IsWellFormedUtf16(text)) return false;
                byte[] bytes = _whole!.GetBytes(text); // unencodable characters are dropped
                return _whole.GetString(bytes) == text;
            }
            default:
            {
                var sink = new ByteSink(stackalloc byte[StackChars]);
                try
                {
                    return EncodeIso2022(text, vr, ref sink, probe: true);
                }
                finally
                {
                    sink.Dispose();
                }
            }
        }
    }

    private static bool IsWellFormedUtf16(ReadOnlySpan<char> s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (!char.IsSurrogate(c)) continue;
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) i++;
            else return false;
        }
        return true;
    }

    private static bool TryEncodeIn(CodeElement set, ReadOnlySpan<char> ch, out byte b1, out byte b2)
    {
        b2 = 0;
        switch (set.Kind)
        {
            case CodeElementKind.SingleByte:
                if (ch.Length == 1 && set.TryEncodeSingle(ch[0], out b1)) return true;
                b1 = 0;
                return false;
            case CodeElementKind.DoubleByte:
                return set.TryEncodeDouble(ch, out b1, out b2);
            default:
                b1 = 0;
                return false;
        }
    }

    /// <summary>Encodes with ISO 2022 escapes; with <paramref name="probe"/>, stops and returns false at the first unencodable character.</summary>
    private bool EncodeIso2022(ReadOnlySpan<char> text, DicomVR vr, ref ByteSink sink, bool probe)
    {
        bool pn = vr == DicomVR.PN;
        bool multi = DicomVRInfo.IsMultiValuedString(vr);
        CodeElement g0 = _initialG0;
        CodeElement? g1 = _initialG1;
        bool ok = true;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c < 0x80)
            {
                bool reset = IsReset(c, multi, pn);
                if (g0 != _initialG0 && (reset || g0.Kind != CodeElementKind.Ascii))
                {
                    sink.Append(_initialG0.Escape);
                    g0 = _initialG0;
                }
                sink.Append((byte)c);
                if (reset) g1 = _initialG1;
                continue;
            }

            int len = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            ReadOnlySpan<char> ch = text.Slice(i, len);
            i += len - 1;
            CodeElement? target = null;
            byte b1, b2 = 0;
            if (g1 is not null && TryEncodeIn(g1, ch, out b1, out b2)) target = g1;
            else if (g0.Kind != CodeElementKind.Ascii && TryEncodeIn(g0, ch, out b1, out b2)) target = g0;
            else
            {
                b1 = 0;
                foreach (var e in _extensions)
                {
                    if (e != g0 && e != g1 && TryEncodeIn(e, ch, out b1, out b2))
                    {
                        target = e;
                        break;
                    }
                }
            }

            if (target is null)
            {
                if (probe) return false;
                ok = false;
                if (g0.Kind != CodeElementKind.Ascii)
                {
                    sink.Append(_initialG0.Escape);
                    g0 = _initialG0;
                }
                sink.Append((byte)'?');
                continue;
            }

            bool inG0;
            if (target == g1) inG0 = false;
            else if (target == g0) inG0 = true;
            else
            {
                sink.Append(target.Escape);
                inG0 = target.DesignatesG0;
                if (inG0) g0 = target;
                else g1 = target;
            }

            byte mask = inG0 ? (byte)0x7F : (byte)0xFF;
            sink.Append((byte)(b1 & mask));
            if (target.Kind == CodeElementKind.DoubleByte) sink.Append((byte)(b2 & mask));
        }
        if (g0 != _initialG0) sink.Append(_initialG0.Escape);
        return ok;
    }

    // ---- Terms --------------------------------------------------------------------------------------------------

    private enum WholeKind : byte { None, Utf8, Gb18030, Gbk }

    /// <summary>One parsed term: G0/G1 sets for ISO 2022 (Set null = none) or a whole-value encoding.</summary>
    private readonly record struct Term(bool Known, bool Is2022, WholeKind Whole, CodeElement? G0, CodeElement? Set);

    private static Term ParseTerm(string term)
    {
        var sb = new StringBuilder(term.Length);
        foreach (char c in term)
        {
            if (c is ' ' or '_' or '-' or '\0' or '\t' or '.') continue;
            sb.Append(char.ToUpperInvariant(c));
        }
        string n = sb.ToString();
        bool is2022 = n.StartsWith("ISO2022", StringComparison.Ordinal);
        string id = n.StartsWith("ISO2022IR", StringComparison.Ordinal) ? n[9..]
            : n.StartsWith("ISOIR", StringComparison.Ordinal) ? n[5..]
            : n.StartsWith("ISO2022", StringComparison.Ordinal) ? n[7..]
            : n;
        var ascii = CodeElement.Ascii;
        return id switch
        {
            "" or "6" or "ISO646" or "ASCII" or "USASCII" => new(true, is2022, WholeKind.None, ascii, null),
            "100" or "ISO88591" or "LATIN1" => new(true, is2022, WholeKind.None, ascii, CodeElement.Latin1),
            "101" or "ISO88592" or "LATIN2" => new(true, is2022, WholeKind.None, ascii, CodeElement.Latin2),
            "109" or "ISO88593" or "LATIN3" => new(true, is2022, WholeKind.None, ascii, CodeElement.Latin3),
            "110" or "ISO88594" or "LATIN4" => new(true, is2022, WholeKind.None, ascii, CodeElement.Latin4),
            "144" or "ISO88595" => new(true, is2022, WholeKind.None, ascii, CodeElement.Cyrillic),
            "127" or "ISO88596" => new(true, is2022, WholeKind.None, ascii, CodeElement.Arabic),
            "126" or "ISO88597" => new(true, is2022, WholeKind.None, ascii, CodeElement.Greek),
            "138" or "ISO88598" => new(true, is2022, WholeKind.None, ascii, CodeElement.Hebrew),
            "148" or "ISO88599" or "LATIN5" => new(true, is2022, WholeKind.None, ascii, CodeElement.Latin5),
            "166" or "TIS620" => new(true, is2022, WholeKind.None, ascii, CodeElement.Thai),
            "13" => new(true, is2022, WholeKind.None, CodeElement.JisRoman, CodeElement.Katakana),
            "87" => new(true, true, WholeKind.None, ascii, CodeElement.Jis0208),
            "159" => new(true, true, WholeKind.None, ascii, CodeElement.Jis0212),
            "149" => new(true, true, WholeKind.None, ascii, CodeElement.Ksc5601),
            "58" => new(true, true, WholeKind.None, ascii, CodeElement.Gb2312),
            "192" or "UTF8" => new(true, is2022, WholeKind.Utf8, null, null),
            "GB18030" => new(true, false, WholeKind.Gb18030, null, null),
            "GBK" or "GB2312" => new(true, false, WholeKind.Gbk, null, null),
            _ => new(false, is2022, WholeKind.None, ascii, null),
        };
    }

    private static byte[] BuildEscOrHigh()
    {
        var bytes = new byte[129];
        bytes[0] = Esc;
        for (int i = 0; i < 128; i++) bytes[i + 1] = (byte)(0x80 + i);
        return bytes;
    }

    /// <summary>A growable byte buffer that starts on the stack and rents from the shared pool.</summary>
    private ref struct ByteSink
    {
        private Span<byte> _span;
        private byte[]? _rented;
        private int _pos;

        public ByteSink(Span<byte> initial)
        {
            _span = initial;
            _rented = null;
            _pos = 0;
        }

        public void Append(byte b)
        {
            if (_pos == _span.Length) Grow(1);
            _span[_pos++] = b;
        }

        public void Append(ReadOnlySpan<byte> bytes)
        {
            if (_pos + bytes.Length > _span.Length) Grow(bytes.Length);
            bytes.CopyTo(_span[_pos..]);
            _pos += bytes.Length;
        }

        private void Grow(int extra)
        {
            byte[] next = ArrayPool<byte>.Shared.Rent(Math.Max(_span.Length * 2, _pos + extra));
            _span[.._pos].CopyTo(next);
            if (_rented is not null) ArrayPool<byte>.Shared.Return(_rented);
            _rented = next;
            _span = next;
        }

        public readonly byte[] ToArray() => _span[.._pos].ToArray();

        public void Dispose()
        {
            if (_rented is not null) ArrayPool<byte>.Shared.Return(_rented);
            _rented = null;
        }
    }
}
