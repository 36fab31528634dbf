using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace DicomWeb.Dicom;

/// <summary>
/// An element with a primitive value: character data, numbers, tags or opaque binary.
/// The value is held in exactly one form: little-endian bytes as encoded, Unicode text
/// (when built from JSON, XML or code, so no character set has been chosen yet), or a
/// reference into the source for bulk data that was not loaded.
/// </summary>
public sealed class DicomDataElement : DicomElement
{
    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly string? _text;

    /// <summary>An element whose value is the given little-endian bytes (for strings: as encoded in the data set's character set).</summary>
    public DicomDataElement(DicomTag tag, DicomVR vr, ReadOnlyMemory<byte> bytes) : base(tag, vr) => _bytes = bytes;

    /// <summary>An element whose value is character data not yet encoded (values already joined with backslash).</summary>
    public DicomDataElement(DicomTag tag, DicomVR vr, string text) : base(tag, vr) => _text = text;

    /// <summary>An element whose value stays in its source.</summary>
    public DicomDataElement(DicomTag tag, DicomVR vr, DicomBulkDataReference reference) : base(tag, vr) => BulkData = reference;

    /// <summary>Creates a string element from several values (joined with backslash).</summary>
    public static DicomDataElement FromStrings(DicomTag tag, DicomVR vr, IEnumerable<string> values) => new(tag, vr, string.Join('\\', values));

    /// <summary>Creates a numeric element (US, SS, UL, SL, FL, FD, SV, UV, OW, OF …) from values.</summary>
    public static DicomDataElement FromValues<T>(DicomTag tag, DicomVR vr, ReadOnlySpan<T> values) where T : unmanaged =>
        new(tag, vr, MemoryMarshal.AsBytes(values).ToArray());

    /// <summary>The value as bytes when it is held as bytes (empty otherwise).</summary>
    public ReadOnlyMemory<byte> Bytes => _bytes;

    /// <summary>The value as Unicode text when it was built from text, else null.</summary>
    public string? Text => _text;

    /// <summary>Where the value lies in its source when it was not loaded, else null.</summary>
    public DicomBulkDataReference? BulkData { get; }

    /// <summary>
    /// A BulkDataURI read from DICOM JSON or XML in place of the value (the bytes arrive separately, e.g. in another
    /// STOW-RS part); null otherwise. Such an element has no bytes until the caller resolves the URI.
    /// </summary>
    public string? BulkDataUri { get; init; }

    /// <summary>True when the value is empty.</summary>
    public bool IsEmpty => BulkData is null ? (_text is null ? _bytes.IsEmpty : _text.Length == 0) : BulkData.Length == 0;

    /// <summary>The value length in bytes where it is known without encoding (bytes or bulk data), else -1.</summary>
    public long ByteLength => BulkData?.Length ?? (_text is null ? _bytes.Length : -1);

    /// <summary>The value bytes, loading bulk data or encoding text with <paramref name="characterSet"/> as needed (unpadded).</summary>
    public ReadOnlyMemory<byte> GetBytes(DicomCharacterSet? characterSet = null)
    {
        if (BulkData is not null) return BulkData.ReadAll();
        if (_text is not null) return (characterSet ?? DicomCharacterSet.Default).Encode(_text, VR);
        return _bytes;
    }

    /// <summary>The whole value as text, decoded with <paramref name="characterSet"/>, with trailing padding removed (and leading spaces for VRs where they are insignificant).</summary>
    public string GetString(DicomCharacterSet? characterSet = null)
    {
        string raw;
        if (_text is not null) raw = _text;
        else if (BulkData is not null) raw = Decode(BulkData.ReadAll().Span, characterSet);
        else raw = Decode(_bytes.Span, characterSet);
        return TrimValue(raw, VR);
    }

    /// <summary>The values of a string element split on backslash (one value for LT, ST, UT and UR), each trimmed; empty array for an empty value.</summary>
    public string[] GetStrings(DicomCharacterSet? characterSet = null)
    {
        var whole = _text ?? (BulkData is not null ? Decode(BulkData.ReadAll().Span, characterSet) : Decode(_bytes.Span, characterSet));
        if (whole.Length == 0) return [];
        if (!DicomVRInfo.IsMultiValuedString(VR)) return [TrimValue(whole, VR)];
        var parts = whole.Split('\\');
        for (var i = 0; i < parts.Length; i++) parts[i] = TrimValue(parts[i], VR);
        if (parts.Length == 1 && parts[0].Length == 0) return [];
        return parts;
    }

    /// <summary>The value as numbers of type <typeparamref name="T"/> (for binary numeric VRs, bytes reinterpreted little endian).</summary>
    public ReadOnlySpan<T> GetValues<T>() where T : unmanaged
    {
        var bytes = GetBytes().Span;
        return MemoryMarshal.Cast<byte, T>(bytes);
    }

    /// <summary>The values of an AT element.</summary>
    public DicomTag[] GetTags()
    {
        var words = GetValues<ushort>();
        var tags = new DicomTag[words.Length / 2];
        for (var i = 0; i < tags.Length; i++) tags[i] = new DicomTag(words[2 * i], words[2 * i + 1]);
        return tags;
    }

    /// <summary>The values of a DS element as doubles; null for an empty value; throws <see cref="FormatException"/> on a malformed one.</summary>
    public double?[] GetDecimalStrings(DicomCharacterSet? characterSet = null)
    {
        var values = GetStrings(characterSet);
        var result = new double?[values.Length];
        for (var i = 0; i < values.Length; i++)
            result[i] = values[i].Length == 0 ? null : double.Parse(values[i], NumberStyles.Float, CultureInfo.InvariantCulture);
        return result;
    }

    /// <summary>The values of an IS element as integers; null for an empty value; throws <see cref="FormatException"/> on a malformed one.</summary>
    public long?[] GetIntegerStrings(DicomCharacterSet? characterSet = null)
    {
        var values = GetStrings(characterSet);
        var result = new long?[values.Length];
        for (var i = 0; i < values.Length; i++)
            result[i] = values[i].Length == 0 ? null : long.Parse(values[i], NumberStyles.Integer, CultureInfo.InvariantCulture);
        return result;
    }

    private string Decode(ReadOnlySpan<byte> bytes, DicomCharacterSet? characterSet)
    {
        if (bytes.IsEmpty) return string.Empty;
        if (characterSet is null || !DicomVRInfo.UsesCharacterSet(VR))
        {
            // Default repertoire; Latin-1 keeps stray 8-bit bytes visible rather than replacing them.
            return Encoding.Latin1.GetString(bytes);
        }
        return characterSet.Decode(bytes, VR);
    }

    internal static string TrimValue(string value, DicomVR vr)
    {
        // Trailing spaces are padding for every string VR; NUL pads UI and is tolerated elsewhere.
        var end = value.Length;
        while (end > 0 && (value[end - 1] == ' ' || value[end - 1] == '\0')) end--;
        var start = 0;
        if (vr is not (DicomVR.LT or DicomVR.ST or DicomVR.UT))
            while (start < end && value[start] == ' ') start++;
        return start == 0 && end == value.Length ? value : value[start..end];
    }
}
