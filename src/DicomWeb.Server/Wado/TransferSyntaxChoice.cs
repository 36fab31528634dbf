using DicomWeb.Dicom;
using DicomWeb.Storage.Retrieval;

namespace DicomWeb.Server.Wado;

/// <summary>How a stored instance goes out.</summary>
internal enum Delivery
{
    /// <summary>The stored bytes, copied without parsing.</summary>
    AsStored,
    /// <summary>
    /// Re-encoded in Explicit VR Little Endian: for native data stored implicit, big endian or deflated. Only the data set
    /// encoding changes; pixel data is not decompressed, which is the codec issue's job.
    /// </summary>
    ExplicitLittleEndian,
}

/// <summary>
/// Picks the transfer syntax an instance or its frames go out in, from the one it is stored in and the one asked for.
/// </summary>
/// <remarks>
/// Reading of PS3.18 §8.7.3 (2024d) for a request without a transfer-syntax parameter: the default is Explicit VR Little
/// Endian, "unless the origin server has only access to the pixel data in lossy compressed form or the pixel data in a
/// lossless compressed or encapsulated uncompressed form that is of such length that it cannot be encoded in the Explicit
/// VR Little Endian Transfer Syntax". So: native data goes out as Explicit VR Little Endian (re-encoded when stored
/// otherwise), lossy compressed data goes out as stored, lossless compressed data too large to decompress (over 2^32-2
/// bytes) goes out as stored, and other lossless compressed data would need decompressing: 406 until a codec exists.
/// Implicit VR Little Endian and Explicit VR Big Endian "shall not be used with Web Services", so they are never picked
/// by default; asking for them explicitly works only for instances stored that way.
/// </remarks>
internal static class TransferSyntaxChoice
{
    /// <summary>The <c>transfer-syntax</c> value meaning "as stored".</summary>
    public const string AsStoredWildcard = "*";

    private const long MaxNativeValueLength = 0xFFFFFFFEL;

    /// <summary>How <paramref name="instance"/> goes out for the requested transfer syntax (null = the default); null with a reason when it cannot.</summary>
    public static Delivery? ForInstance(StoredInstance instance, string? requested, out string reason)
    {
        reason = "";
        var stored = DicomTransferSyntax.Lookup(instance.TransferSyntaxUid);
        if (requested == AsStoredWildcard || requested == stored.Uid) return Delivery.AsStored;
        var explicitLittle = DicomTransferSyntax.ExplicitVRLittleEndian.Uid;
        if (requested == null || requested == explicitLittle)
        {
            if (stored.Uid == explicitLittle) return Delivery.AsStored;
            if (!stored.IsEncapsulated) return Delivery.ExplicitLittleEndian;
            if (requested == null && (stored.IsLossy || TooLargeToDecompress(instance))) return Delivery.AsStored;
            reason = $"instance {instance.SopInstanceUid} is stored in {stored.Name} ({stored.Uid}); sending it in Explicit VR Little Endian " +
                     "needs decompression, which this server does not do yet: ask for transfer-syntax=* or transfer-syntax=" + stored.Uid;
            return null;
        }
        reason = DicomTransferSyntax.TryGet(requested, out var wanted)
            ? $"instance {instance.SopInstanceUid} is stored in {stored.Name} ({stored.Uid}); {wanted.Name} ({wanted.Uid}) would need transcoding, " +
              "which this server does not do yet: ask for transfer-syntax=* or transfer-syntax=" + stored.Uid
            : $"'{requested}' is not a known transfer syntax UID";
        return null;
    }

    /// <summary>
    /// The Content-Type of frames (or of encapsulated pixel data) of <paramref name="instance"/> when an Accept entry for
    /// <paramref name="partType"/> with <paramref name="requested"/> allows them as stored; null with a reason otherwise.
    /// Native frames are <c>application/octet-stream</c> (little endian); compressed ones carry their own media type
    /// (PS3.18 Table 8.7.3-5) with a transfer-syntax parameter.
    /// </summary>
    /// <remarks>
    /// A compressed media type without a transfer-syntax parameter is taken to mean "this kind of bitstream": the frame goes out
    /// in the stored syntax of that family (labelled with it) rather than being refused for not being the table's default.
    /// </remarks>
    public static string? ForFrames(StoredInstance instance, string partType, string? requested, out string reason)
    {
        reason = "";
        var stored = DicomTransferSyntax.Lookup(instance.TransferSyntaxUid);
        var explicitLittle = DicomTransferSyntax.ExplicitVRLittleEndian.Uid;
        // Encapsulated Uncompressed holds native frames, one fragment each.
        var native = !stored.IsEncapsulated || stored == DicomTransferSyntax.EncapsulatedUncompressedExplicitVRLittleEndian;
        var storedType = native ? "application/octet-stream" : stored.MediaType ?? "application/octet-stream";
        var nativeType = $"application/octet-stream; transfer-syntax={explicitLittle}";
        var storedContentType = native ? nativeType : $"{storedType}; transfer-syntax={stored.Uid}";
        if (requested == AsStoredWildcard && (partType == "*/*" || partType == storedType)) return storedContentType;

        if (partType == "*/*")
        {
            if (requested == null || requested == explicitLittle)
            {
                if (native) return nativeType;
                if (requested == null && (stored.IsLossy || TooLargeToDecompress(instance))) return storedContentType;
            }
            else if (requested == stored.Uid) return storedContentType;
        }
        else if (partType == "application/octet-stream")
        {
            if (native && (requested == null || requested == explicitLittle)) return nativeType;
        }
        else if (!native && string.Equals(partType, stored.MediaType, StringComparison.OrdinalIgnoreCase) && (requested == null || requested == stored.Uid))
            return storedContentType;

        reason = native
            ? $"the frames of instance {instance.SopInstanceUid} are uncompressed: they go out as application/octet-stream (Explicit VR Little Endian), not as {partType}" +
              (requested is null or AsStoredWildcard ? "" : $" in {requested}")
            : $"the frames of instance {instance.SopInstanceUid} are stored in {stored.Name} ({stored.Uid}) as {storedType}; {partType}" +
              (requested is null or AsStoredWildcard ? "" : $" in {requested}") +
              " would need transcoding, which this server does not do yet: ask for " +
              $"multipart/related; type=\"{storedType}\" or transfer-syntax=*";
        return null;
    }

    /// <summary>
    /// True when the decompressed pixel data could not fit one Explicit VR Little Endian value. Samples per Pixel is not
    /// indexed, so one sample is assumed: this errs towards decompressing.
    /// </summary>
    private static bool TooLargeToDecompress(StoredInstance instance)
    {
        long rows = instance.Rows ?? 0, columns = instance.Columns ?? 0, bits = instance.BitsAllocated ?? 0, frames = Math.Max(1, instance.NumberOfFrames ?? 1);
        return rows * columns * frames * bits / 8 > MaxNativeValueLength;
    }
}
