using System.Collections.Concurrent;
using System.Text;

namespace DicomWeb.Dicom;

/// <summary>Cached .NET <see cref="Encoding"/> objects for the code pages the DICOM character sets need.</summary>
internal static class DicomEncodings
{
    private static readonly ConcurrentDictionary<int, Encoding> s_probing = new();
    private static readonly ConcurrentDictionary<int, Encoding> s_lenient = new();

    static DicomEncodings()
    {
        // Idempotent; gives iso-8859-x, windows-874, shift_jis, euc-jp, euc-kr, gb2312 and gb18030.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    /// <summary>UTF-8 without BOM; invalid input bytes decode to U+FFFD.</summary>
    public static readonly Encoding Utf8 = new UTF8Encoding(false, false);

    /// <summary>
    /// The code page with U+FFFD for undecodable bytes and an <em>empty</em> replacement for unencodable characters
    /// (no best-fit mapping), so an encoder can detect failure without exceptions.
    /// </summary>
    public static Encoding Get(int codePage) => s_probing.GetOrAdd(codePage,
        static cp => Encoding.GetEncoding(cp, new EncoderReplacementFallback(string.Empty), new DecoderReplacementFallback("\uFFFD")));

    /// <summary>The code page with '?' for unencodable characters (no best-fit mapping) and U+FFFD for undecodable bytes.</summary>
    public static Encoding GetLenient(int codePage) => s_lenient.GetOrAdd(codePage,
        static cp => Encoding.GetEncoding(cp, new EncoderReplacementFallback("?"), new DecoderReplacementFallback("\uFFFD")));
}
