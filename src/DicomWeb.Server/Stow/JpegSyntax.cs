using DicomWeb.Dicom;

namespace DicomWeb.Server.Stow;

/// <summary>
/// Tells which JPEG transfer syntax an image/jpeg bulk part without a transfer-syntax parameter is in, from its
/// frame header: baseline, extended, progressive, or lossless (with the first-order predictor or another one).
/// </summary>
internal static class JpegSyntax
{
    private const int HeaderBytes = 64 * 1024;

    /// <summary>The syntax of the JPEG stream in <paramref name="path"/>, or null when the header is not recognised.</summary>
    public static DicomTransferSyntax? Detect(string path)
    {
        var buffer = new byte[HeaderBytes];
        int length;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1))
            length = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return Detect(buffer.AsSpan(0, length));
    }

    /// <summary>The syntax of a JPEG stream from its first bytes, or null.</summary>
    public static DicomTransferSyntax? Detect(ReadOnlySpan<byte> jpeg)
    {
        if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8) return null;
        var lossless = false;
        var position = 2;
        while (position + 4 <= jpeg.Length)
        {
            if (jpeg[position] != 0xFF) return null;
            var marker = jpeg[position + 1];
            if (marker == 0xFF)
            {
                position++;
                continue;
            }
            if (marker is 0x01 or >= 0xD0 and <= 0xD7)
            {
                position += 2;
                continue;
            }
            var segment = (jpeg[position + 2] << 8) | jpeg[position + 3];
            switch (marker)
            {
                case 0xC0: return DicomTransferSyntax.JPEGBaseline8Bit;
                case 0xC1: return DicomTransferSyntax.JPEGExtended12Bit;
                case 0xC2: return DicomTransferSyntax.JPEGFullProgressionNonHierarchical1012;
                case 0xC3: lossless = true; break;
                case 0xDA when lossless:
                    // Start of scan: Ns, Ns component selectors with table numbers, then Ss, the predictor.
                    var predictorAt = position + 5 + 2 * (position + 4 < jpeg.Length ? jpeg[position + 4] : 0);
                    if (predictorAt >= jpeg.Length) return null;
                    return jpeg[predictorAt] == 1 ? DicomTransferSyntax.JPEGLosslessSV1 : DicomTransferSyntax.JPEGLossless;
                case 0xDA: return null;
            }
            position += 2 + segment;
        }
        return null;
    }
}
