using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace DicomWeb.Dicom;

/// <summary>
/// A transfer syntax (PS3.5 Section 10 and Annex A): how a data set is encoded and how its pixel data is compressed.
/// Names and retirement come from the UID registry; the encoding properties are the hand-kept table below, since
/// the standard's UID table does not carry them.
/// </summary>
public sealed class DicomTransferSyntax : IEquatable<DicomTransferSyntax>
{
    [Flags]
    private enum Kind
    {
        ExplicitLittle = 0,
        Implicit = 1,
        BigEndian = 2,
        Deflated = 4,
        Encapsulated = 8,
        Lossy = 16,
        Compressed = Encapsulated,
        LossyCompressed = Encapsulated | Lossy,
    }

    // Must stay above the well-known fields: static initializers run in text order and Define adds to it.
    private static readonly List<DicomTransferSyntax> s_defined = new(64);

    private DicomTransferSyntax(string uid, string name, Kind kind, string? mediaType, bool isRetired)
    {
        Uid = uid;
        Name = name;
        IsExplicitVR = (kind & Kind.Implicit) == 0;
        IsBigEndian = (kind & Kind.BigEndian) != 0;
        IsDeflated = (kind & Kind.Deflated) != 0;
        IsEncapsulated = (kind & Kind.Encapsulated) != 0;
        IsLossy = (kind & Kind.Lossy) != 0;
        MediaType = mediaType;
        IsRetired = isRetired;
    }

    /// <summary>The transfer syntax UID.</summary>
    public string Uid { get; }

    /// <summary>The registered name, or the UID for an unknown transfer syntax.</summary>
    public string Name { get; }

    /// <summary>True when data elements carry their VR (false only for the implicit VR syntaxes).</summary>
    public bool IsExplicitVR { get; }

    /// <summary>True for big endian byte order (Explicit VR Big Endian, retired).</summary>
    public bool IsBigEndian { get; }

    /// <summary>True when the whole data set after the file meta information is deflated (PS3.5 A.5, and the JPIP Referenced Deflate syntaxes of A.6/A.8).</summary>
    public bool IsDeflated { get; }

    /// <summary>True when Pixel Data is encapsulated in fragments (every syntax but the native implicit/explicit/deflated ones).</summary>
    public bool IsEncapsulated { get; }

    /// <summary>True when the compression may be irreversible (the syntax permits lossy compression).</summary>
    public bool IsLossy { get; }

    /// <summary>True when the transfer syntax is retired.</summary>
    public bool IsRetired { get; }

    /// <summary>
    /// The media type of one frame (or the video stream) in this syntax for DICOMweb bulk data (PS3.18 Table 8.7.3-5),
    /// e.g. image/jpeg, image/jls, image/jp2, image/jpx, image/jphc, image/jxl, image/dicom-rle, video/mpeg, video/mp4,
    /// video/H265; null for native syntaxes and for encapsulated ones whose frames have no such media type.
    /// </summary>
    public string? MediaType { get; }

    /// <summary>Implicit VR Little Endian, the default DICOM transfer syntax.</summary>
    public static readonly DicomTransferSyntax ImplicitVRLittleEndian = Define("1.2.840.10008.1.2", Kind.Implicit);
    /// <summary>Explicit VR Little Endian.</summary>
    public static readonly DicomTransferSyntax ExplicitVRLittleEndian = Define("1.2.840.10008.1.2.1", Kind.ExplicitLittle);
    /// <summary>Encapsulated Uncompressed Explicit VR Little Endian (native pixels, one fragment per frame).</summary>
    public static readonly DicomTransferSyntax EncapsulatedUncompressedExplicitVRLittleEndian = Define("1.2.840.10008.1.2.1.98", Kind.Encapsulated);
    /// <summary>Deflated Explicit VR Little Endian.</summary>
    public static readonly DicomTransferSyntax DeflatedExplicitVRLittleEndian = Define("1.2.840.10008.1.2.1.99", Kind.Deflated);
    /// <summary>Explicit VR Big Endian (retired).</summary>
    public static readonly DicomTransferSyntax ExplicitVRBigEndian = Define("1.2.840.10008.1.2.2", Kind.BigEndian);

    // JPEG (ISO/IEC 10918-1). PS3.18 lists image/jpeg for .50, .51, .57 and .70; the retired processes are the same
    // bitstream family, so they get image/jpeg too. DCT processes are lossy, processes 14/15/28/29 lossless.
    /// <summary>JPEG Baseline (Process 1).</summary>
    public static readonly DicomTransferSyntax JPEGBaseline8Bit = Define("1.2.840.10008.1.2.4.50", Kind.LossyCompressed, "image/jpeg");
    /// <summary>JPEG Extended (Process 2 and 4).</summary>
    public static readonly DicomTransferSyntax JPEGExtended12Bit = Define("1.2.840.10008.1.2.4.51", Kind.LossyCompressed, "image/jpeg");
    /// <summary>JPEG Extended (Process 3 and 5) (retired).</summary>
    public static readonly DicomTransferSyntax JPEGExtended35 = Define("1.2.840.10008.1.2.4.52", Kind.LossyCompressed, "image/jpeg");
    /// <summary>JPEG Spectral Selection, Non-Hierarchical (Process 6 and 8) (retired).</summary>
    public static readonly DicomTransferSyntax JPEGSpectralSelectionNonHierarchical68 = Define("1.2.840.10008.1.2.4.53", Kind.LossyCompressed, "image/jpeg");
    /// <summary>JPEG Spectral Selection, Non-Hierarchical (Process 7 and 9) (retired).</summary>
    public static readonly DicomTransferSyntax JPEGSpectralSelectionNonHierarchical79 = Define("1.2.840.10008.1.2.4.54", Kind.LossyCompressed, "image/jpeg");
    /// <summary>JPEG Full Progression, Non-Hierarchical (Process 10 and 12) (retired).</summary>
    public static readonly DicomTransferSyntax JPEGFullProgressionNonHierarchical1012 = Define("1.2.840.10008.1.2.4.55", Kind.LossyCompressed, "image/jpeg");
    /// <summary>JPEG Full Progression, Non-Hierarchical (Process 11 and 13) (retired).</summary>
    public static readonly DicomTransferSyntax JPEGFullProgressionNonHierarchical1113 = Define("1.2.840.10008.1.2.4.56", Kind.LossyCompressed, "image/jpeg");
    /// <summary>JPEG Lossless, Non-Hierarchical (Process 14).</summary>
    public static readonly DicomTransferSyntax JPEGLossless = Define("1.2.840.10008.1.2.4.57", Kind.Compressed, "image/jpeg");
    /// <summary>JPEG Lossless, Non-Hierarchical (Process 15) (retired).</summary>
    public static readonly DicomTransferSyntax JPEGLosslessNonHierarchical15 = Define("1.2.840.10008.1.2.4.58", Kind.Compressed, "image/jpeg");
    /// <summary>JPEG Extended, Hierarchical (Process 16 and 18) (retired).</summary>
    public static readonly DicomTransferSyntax JPEGExtendedHierarchical1618 = Define("1.2.840.10008.1.2.4.59", Kind.LossyCompressed, "image/jpeg");
    /// <summary>JPEG Extended, Hierarchical (Process 17 and 19) (retired).</summary>
    public static readonly DicomTransferSyntax JPEGExtendedHierarchical1719 = Define("1.2.840.10008.1.2.4.60", Kind.LossyCompressed, "image/jpeg");
    /// <summary>JPEG Spectral Selection, Hierarchical (Process 20 and 22) (retired).</summary>
    public static readonly DicomTransferSyntax JPEGSpectralSelectionHierarchical2022 = Define("1.2.840.10008.1.2.4.61", Kind.LossyCompressed, "image/jpeg");
    /// <summary>JPEG Spectral Selection, Hierarchical (Process 21 and 23) (retired).</summary>
    public static readonly DicomTransferSyntax JPEGSpectralSelectionHierarchical2123 = Define("1.2.840.10008.1.2.4.62", Kind.LossyCompressed, "image/jpeg");
    /// <summary>JPEG Full Progression, Hierarchical (Process 24 and 26) (retired).</summary>
    public static readonly DicomTransferSyntax JPEGFullProgressionHierarchical2426 = Define("1.2.840.10008.1.2.4.63", Kind.LossyCompressed, "image/jpeg");
    /// <summary>JPEG Full Progression, Hierarchical (Process 25 and 27) (retired).</summary>
    public static readonly DicomTransferSyntax JPEGFullProgressionHierarchical2527 = Define("1.2.840.10008.1.2.4.64", Kind.LossyCompressed, "image/jpeg");
    /// <summary>JPEG Lossless, Hierarchical (Process 28) (retired).</summary>
    public static readonly DicomTransferSyntax JPEGLosslessHierarchical28 = Define("1.2.840.10008.1.2.4.65", Kind.Compressed, "image/jpeg");
    /// <summary>JPEG Lossless, Hierarchical (Process 29) (retired).</summary>
    public static readonly DicomTransferSyntax JPEGLosslessHierarchical29 = Define("1.2.840.10008.1.2.4.66", Kind.Compressed, "image/jpeg");
    /// <summary>JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1]).</summary>
    public static readonly DicomTransferSyntax JPEGLosslessSV1 = Define("1.2.840.10008.1.2.4.70", Kind.Compressed, "image/jpeg");

    /// <summary>JPEG-LS Lossless Image Compression.</summary>
    public static readonly DicomTransferSyntax JPEGLSLossless = Define("1.2.840.10008.1.2.4.80", Kind.Compressed, "image/jls");
    /// <summary>JPEG-LS Lossy (Near-Lossless) Image Compression.</summary>
    public static readonly DicomTransferSyntax JPEGLSNearLossless = Define("1.2.840.10008.1.2.4.81", Kind.LossyCompressed, "image/jls");

    /// <summary>JPEG 2000 Image Compression (Lossless Only).</summary>
    public static readonly DicomTransferSyntax JPEG2000Lossless = Define("1.2.840.10008.1.2.4.90", Kind.Compressed, "image/jp2");
    /// <summary>JPEG 2000 Image Compression (lossless or lossy).</summary>
    public static readonly DicomTransferSyntax JPEG2000 = Define("1.2.840.10008.1.2.4.91", Kind.LossyCompressed, "image/jp2");
    /// <summary>JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only).</summary>
    public static readonly DicomTransferSyntax JPEG2000MCLossless = Define("1.2.840.10008.1.2.4.92", Kind.Compressed, "image/jpx");
    /// <summary>JPEG 2000 Part 2 Multi-component Image Compression (lossless or lossy).</summary>
    public static readonly DicomTransferSyntax JPEG2000MC = Define("1.2.840.10008.1.2.4.93", Kind.LossyCompressed, "image/jpx");

    // JPIP: the data set holds a Pixel Data Provider URL instead of pixels, and the JPIP server may deliver any
    // quality, so these count as (possibly) lossy. The Deflate variants deflate the whole data set (PS3.5 A.6, A.8).
    /// <summary>JPIP Referenced.</summary>
    public static readonly DicomTransferSyntax JPIPReferenced = Define("1.2.840.10008.1.2.4.94", Kind.LossyCompressed);
    /// <summary>JPIP Referenced Deflate.</summary>
    public static readonly DicomTransferSyntax JPIPReferencedDeflate = Define("1.2.840.10008.1.2.4.95", Kind.LossyCompressed | Kind.Deflated);

    // MPEG-2, MPEG-4 AVC/H.264 and HEVC/H.265 video are lossy.
    /// <summary>MPEG2 Main Profile / Main Level.</summary>
    public static readonly DicomTransferSyntax MPEG2MPML = Define("1.2.840.10008.1.2.4.100", Kind.LossyCompressed, "video/mpeg");
    /// <summary>Fragmentable MPEG2 Main Profile / Main Level.</summary>
    public static readonly DicomTransferSyntax MPEG2MPMLF = Define("1.2.840.10008.1.2.4.100.1", Kind.LossyCompressed, "video/mpeg");
    /// <summary>MPEG2 Main Profile / High Level.</summary>
    public static readonly DicomTransferSyntax MPEG2MPHL = Define("1.2.840.10008.1.2.4.101", Kind.LossyCompressed, "video/mpeg");
    /// <summary>Fragmentable MPEG2 Main Profile / High Level.</summary>
    public static readonly DicomTransferSyntax MPEG2MPHLF = Define("1.2.840.10008.1.2.4.101.1", Kind.LossyCompressed, "video/mpeg");
    /// <summary>MPEG-4 AVC/H.264 High Profile / Level 4.1.</summary>
    public static readonly DicomTransferSyntax MPEG4HP41 = Define("1.2.840.10008.1.2.4.102", Kind.LossyCompressed, "video/mp4");
    /// <summary>Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.1.</summary>
    public static readonly DicomTransferSyntax MPEG4HP41F = Define("1.2.840.10008.1.2.4.102.1", Kind.LossyCompressed, "video/mp4");
    /// <summary>MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1.</summary>
    public static readonly DicomTransferSyntax MPEG4HP41BD = Define("1.2.840.10008.1.2.4.103", Kind.LossyCompressed, "video/mp4");
    /// <summary>Fragmentable MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1.</summary>
    public static readonly DicomTransferSyntax MPEG4HP41BDF = Define("1.2.840.10008.1.2.4.103.1", Kind.LossyCompressed, "video/mp4");
    /// <summary>MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video.</summary>
    public static readonly DicomTransferSyntax MPEG4HP422D = Define("1.2.840.10008.1.2.4.104", Kind.LossyCompressed, "video/mp4");
    /// <summary>Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video.</summary>
    public static readonly DicomTransferSyntax MPEG4HP422DF = Define("1.2.840.10008.1.2.4.104.1", Kind.LossyCompressed, "video/mp4");
    /// <summary>MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video.</summary>
    public static readonly DicomTransferSyntax MPEG4HP423D = Define("1.2.840.10008.1.2.4.105", Kind.LossyCompressed, "video/mp4");
    /// <summary>Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video.</summary>
    public static readonly DicomTransferSyntax MPEG4HP423DF = Define("1.2.840.10008.1.2.4.105.1", Kind.LossyCompressed, "video/mp4");
    /// <summary>MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2.</summary>
    public static readonly DicomTransferSyntax MPEG4HP42STEREO = Define("1.2.840.10008.1.2.4.106", Kind.LossyCompressed, "video/mp4");
    /// <summary>Fragmentable MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2.</summary>
    public static readonly DicomTransferSyntax MPEG4HP42STEREOF = Define("1.2.840.10008.1.2.4.106.1", Kind.LossyCompressed, "video/mp4");
    /// <summary>HEVC/H.265 Main Profile / Level 5.1.</summary>
    public static readonly DicomTransferSyntax HEVCMP51 = Define("1.2.840.10008.1.2.4.107", Kind.LossyCompressed, "video/H265");
    /// <summary>HEVC/H.265 Main 10 Profile / Level 5.1.</summary>
    public static readonly DicomTransferSyntax HEVCM10P51 = Define("1.2.840.10008.1.2.4.108", Kind.LossyCompressed, "video/H265");

    // JPEG XL: JPEG Recompression losslessly re-packs a (lossy) JPEG bitstream, so its pixels are lossy.
    /// <summary>JPEG XL Lossless.</summary>
    public static readonly DicomTransferSyntax JPEGXLLossless = Define("1.2.840.10008.1.2.4.110", Kind.Compressed, "image/jxl");
    /// <summary>JPEG XL JPEG Recompression.</summary>
    public static readonly DicomTransferSyntax JPEGXLJPEGRecompression = Define("1.2.840.10008.1.2.4.111", Kind.LossyCompressed, "image/jxl");
    /// <summary>JPEG XL (lossless or lossy).</summary>
    public static readonly DicomTransferSyntax JPEGXL = Define("1.2.840.10008.1.2.4.112", Kind.LossyCompressed, "image/jxl");

    /// <summary>High-Throughput JPEG 2000 Image Compression (Lossless Only).</summary>
    public static readonly DicomTransferSyntax HTJ2KLossless = Define("1.2.840.10008.1.2.4.201", Kind.Compressed, "image/jphc");
    /// <summary>High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only).</summary>
    public static readonly DicomTransferSyntax HTJ2KLosslessRPCL = Define("1.2.840.10008.1.2.4.202", Kind.Compressed, "image/jphc");
    /// <summary>High-Throughput JPEG 2000 Image Compression (lossless or lossy).</summary>
    public static readonly DicomTransferSyntax HTJ2K = Define("1.2.840.10008.1.2.4.203", Kind.LossyCompressed, "image/jphc");
    /// <summary>JPIP HTJ2K Referenced.</summary>
    public static readonly DicomTransferSyntax JPIPHTJ2KReferenced = Define("1.2.840.10008.1.2.4.204", Kind.LossyCompressed);
    /// <summary>JPIP HTJ2K Referenced Deflate.</summary>
    public static readonly DicomTransferSyntax JPIPHTJ2KReferencedDeflate = Define("1.2.840.10008.1.2.4.205", Kind.LossyCompressed | Kind.Deflated);

    /// <summary>RLE Lossless.</summary>
    public static readonly DicomTransferSyntax RLELossless = Define("1.2.840.10008.1.2.5", Kind.Compressed, "image/dicom-rle");

    // Retired non-binary encodings; treated as encapsulated like any syntax other than the native four.
    /// <summary>RFC 2557 MIME encapsulation (retired).</summary>
    public static readonly DicomTransferSyntax RFC2557MIMEEncapsulation = Define("1.2.840.10008.1.2.6.1", Kind.Compressed);
    /// <summary>XML Encoding (retired).</summary>
    public static readonly DicomTransferSyntax XMLEncoding = Define("1.2.840.10008.1.2.6.2", Kind.Compressed);

    // DICOM-RTV (PS3.22): the essence travels outside the data set; uncompressed.
    /// <summary>SMPTE ST 2110-20 Uncompressed Progressive Active Video.</summary>
    public static readonly DicomTransferSyntax SMPTEST211020UncompressedProgressiveActiveVideo = Define("1.2.840.10008.1.2.7.1", Kind.Compressed);
    /// <summary>SMPTE ST 2110-20 Uncompressed Interlaced Active Video.</summary>
    public static readonly DicomTransferSyntax SMPTEST211020UncompressedInterlacedActiveVideo = Define("1.2.840.10008.1.2.7.2", Kind.Compressed);
    /// <summary>SMPTE ST 2110-30 PCM Digital Audio.</summary>
    public static readonly DicomTransferSyntax SMPTEST211030PCMDigitalAudio = Define("1.2.840.10008.1.2.7.3", Kind.Compressed);

    /// <summary>Deflated Image Frame Compression: each frame deflated on its own; the data set itself is not deflated.</summary>
    public static readonly DicomTransferSyntax DeflatedImageFrameCompression = Define("1.2.840.10008.1.2.8.1", Kind.Compressed);

    /// <summary>Papyrus 3 Implicit VR Little Endian (retired): an implicit VR little endian encoding with native pixels.</summary>
    public static readonly DicomTransferSyntax Papyrus3ImplicitVRLittleEndian = Define("1.2.840.10008.1.20", Kind.Implicit);

    private static readonly FrozenDictionary<string, DicomTransferSyntax> s_byUid = BuildIndex();
    private static readonly FrozenDictionary<string, DicomTransferSyntax>.AlternateLookup<ReadOnlySpan<char>> s_byUidSpan =
        s_byUid.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Every transfer syntax known here (all of PS3.6 Table A-1), in UID order.</summary>
    public static IReadOnlyCollection<DicomTransferSyntax> All { get; } = s_defined.AsReadOnly();

    /// <summary>
    /// The transfer syntax with this UID (trailing NUL or space padding ignored). An unknown UID gives a new instance
    /// treated as explicit VR little endian with encapsulated pixel data, as unknown compressed syntaxes are, named by its UID.
    /// </summary>
    public static DicomTransferSyntax Lookup(string uid)
    {
        ArgumentNullException.ThrowIfNull(uid);
        if (s_byUid.TryGetValue(uid, out var known)) return known;
        var trimmed = uid.AsSpan().TrimEnd("\0 ");
        if (s_byUidSpan.TryGetValue(trimmed, out known)) return known;
        var text = trimmed.Length == uid.Length ? uid : trimmed.ToString();
        return new DicomTransferSyntax(text, text, Kind.Encapsulated, null, false);
    }

    /// <summary>Finds a known transfer syntax (trailing NUL or space padding ignored); false for an unknown UID.</summary>
    public static bool TryGet(ReadOnlySpan<char> uid, [MaybeNullWhen(false)] out DicomTransferSyntax transferSyntax) =>
        s_byUidSpan.TryGetValue(uid.TrimEnd("\0 "), out transferSyntax);

    /// <inheritdoc />
    public bool Equals(DicomTransferSyntax? other) => other is not null && string.Equals(Uid, other.Uid, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is DicomTransferSyntax other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Uid);

    /// <summary>Equality by UID.</summary>
    public static bool operator ==(DicomTransferSyntax? a, DicomTransferSyntax? b) => a is null ? b is null : a.Equals(b);

    /// <summary>Inequality by UID.</summary>
    public static bool operator !=(DicomTransferSyntax? a, DicomTransferSyntax? b) => !(a == b);

    /// <inheritdoc />
    public override string ToString() => Name;

    private static DicomTransferSyntax Define(string uid, Kind kind, string? mediaType = null)
    {
        var registered = DicomUidRegistry.TryGet(uid, out var entry);
        var syntax = new DicomTransferSyntax(uid, registered ? entry!.Name : uid, kind, mediaType, registered && entry!.IsRetired);
        s_defined.Add(syntax);
        return syntax;
    }

    private static FrozenDictionary<string, DicomTransferSyntax> BuildIndex()
    {
        var index = new Dictionary<string, DicomTransferSyntax>(s_defined.Count, StringComparer.Ordinal);
        foreach (var syntax in s_defined) index.Add(syntax.Uid, syntax);
        return index.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
