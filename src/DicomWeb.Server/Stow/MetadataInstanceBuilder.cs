using DicomWeb.Dicom;
using DicomWeb.Storage.Ingest;

namespace DicomWeb.Server.Stow;

/// <summary>An instance assembled from metadata and bulk data, or why it could not be.</summary>
/// <param name="File">The Part 10 file to write (values backed by the staged bulk data files), when it could be built.</param>
/// <param name="FailureReason">A <see cref="StoreFailureReason"/> code when it could not.</param>
/// <param name="Message">Why it could not.</param>
/// <param name="Warnings">What was coerced on the way.</param>
internal sealed record MetadataInstance(DicomFile? File, ushort? FailureReason, string? Message, IReadOnlyList<string> Warnings)
{
    public static MetadataInstance Failed(string message) => new(null, StoreFailureReason.DataSetDoesNotMatch, message, []);
}

/// <summary>
/// Builds a Part 10 instance from a STOW-RS metadata data set (DICOM JSON or XML) and the bulk data parts its
/// BulkDataURIs reference. Bulk values stay in their staged files: each becomes a <see cref="DicomBulkDataReference"/>
/// that the writer streams from.
/// </summary>
/// <remarks>
/// The transfer syntax is Explicit VR Little Endian unless the Pixel Data part is compressed: a media type such as
/// image/jpeg (or any media type with an encapsulated <c>transfer-syntax</c> parameter) makes the instance encapsulated
/// in that syntax, one fragment per part. A compressed multi-frame image comes as several parts with the same
/// Content-Location (or one multipart/related part, which the request unpacks into such parts), one per frame;
/// video syntaxes take the whole stream in one part. Group 0002 elements in the metadata are dropped: the server
/// writes the File Meta Information of the file it makes.
/// </remarks>
internal static class MetadataInstanceBuilder
{
    private const string OctetStream = "application/octet-stream";

    // PS3.18 Table 8.7.3-5: the syntax a bulk data media type stands for when no transfer-syntax parameter is given.
    private static readonly Dictionary<string, DicomTransferSyntax> DefaultSyntaxes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["image/jpeg"] = DicomTransferSyntax.JPEGLosslessSV1,
        ["image/jls"] = DicomTransferSyntax.JPEGLSLossless,
        ["image/x-jls"] = DicomTransferSyntax.JPEGLSLossless,
        ["image/jp2"] = DicomTransferSyntax.JPEG2000Lossless,
        ["image/jpx"] = DicomTransferSyntax.JPEG2000MCLossless,
        ["image/jphc"] = DicomTransferSyntax.HTJ2KLossless,
        ["image/jxl"] = DicomTransferSyntax.JPEGXLLossless,
        ["image/dicom-rle"] = DicomTransferSyntax.RLELossless,
        ["image/x-dicom-rle"] = DicomTransferSyntax.RLELossless,
        ["video/mpeg"] = DicomTransferSyntax.MPEG2MPML,
        ["video/mp4"] = DicomTransferSyntax.MPEG4HP41,
        ["video/h265"] = DicomTransferSyntax.HEVCMP51,
    };

    /// <summary>Assembles the instance; <paramref name="dataset"/> is changed in place (references resolved, group 0002 removed).</summary>
    /// <param name="dataset">One data set of a metadata part.</param>
    /// <param name="metadataTransferSyntax">The metadata part's <c>transfer-syntax</c> parameter, used only for inline encapsulated pixel data.</param>
    /// <param name="bulk">The request's staged bulk data parts.</param>
    public static MetadataInstance Build(DicomDataset dataset, string? metadataTransferSyntax, BulkDataParts bulk)
    {
        var warnings = new List<string>();
        var declaredSyntax = dataset.GetString(DicomTags.TransferSyntaxUID);
        foreach (var tag in dataset.Where(e => e.Tag.Group == 0x0002).Select(e => e.Tag).ToList()) dataset.Remove(tag);

        DicomTransferSyntax? encapsulatedSyntax = null;
        var references = new List<(DicomDataset Owner, DicomDataElement Element, string Path)>();
        CollectReferences(dataset, "", references);
        foreach (var (owner, element, path) in references)
        {
            var parts = bulk.Find(element.BulkDataUri!, out var problem);
            if (parts == null) return MetadataInstance.Failed($"{path}: {problem}");
            // Only Pixel Data can be encapsulated; any other value is the part's bytes, whatever its media type (application/pdf, text/xml, model/stl …).
            var isPixelData = ReferenceEquals(owner, dataset) && element.Tag == DicomTags.PixelData;
            var syntax = isPixelData ? CompressedSyntax(parts[0], out problem) : null;
            if (problem != null) return MetadataInstance.Failed($"{path}: {problem}");
            if (syntax == null)
            {
                if (parts.Count > 1)
                    return MetadataInstance.Failed($"{path}: {parts.Count} parts share Content-Location '{parts[0].Location}'; only compressed pixel data comes as one part per frame");
                owner.Set(new DicomDataElement(element.Tag, element.VR, Reference(parts[0])));
                continue;
            }
            var frames = dataset.GetInt32(DicomTags.NumberOfFrames) ?? 1;
            if (parts.Count > 1 && parts.Count != frames)
                return MetadataInstance.Failed($"{path}: Number of Frames is {frames} but {parts.Count} compressed pixel data parts came");
            if (parts.Count == 1 && frames > 1 && syntax.MediaType?.StartsWith("video/", StringComparison.Ordinal) != true)
                return MetadataInstance.Failed($"{path}: Number of Frames is {frames} but the {parts[0].MediaType} pixel data came as one part; send one part per frame");
            owner.Set(Fragments(element.Tag, parts));
            encapsulatedSyntax = syntax;
        }

        if (encapsulatedSyntax == null && dataset.Get(DicomTags.PixelData) is DicomFragmentSequence)
        {
            // Encapsulated pixel data sent inline (InlineBinary): only the metadata can say what it is.
            if (!DicomTransferSyntax.TryGet(metadataTransferSyntax ?? declaredSyntax ?? "", out var named) || !named.IsEncapsulated)
                return MetadataInstance.Failed("Pixel Data is encapsulated inline but neither the part's transfer-syntax parameter nor (0002,0010) names an encapsulated transfer syntax");
            encapsulatedSyntax = named;
        }

        CoerceCharacterSet(dataset, warnings);
        var file = new DicomFile(new DicomDataset(), dataset) { TransferSyntax = encapsulatedSyntax ?? DicomTransferSyntax.ExplicitVRLittleEndian };
        return new MetadataInstance(file, null, null, warnings);
    }

    private static void CollectReferences(DicomDataset dataset, string prefix, List<(DicomDataset, DicomDataElement, string)> references)
    {
        foreach (var element in dataset)
        {
            var path = prefix + element.Tag.Group.ToString("X4") + element.Tag.Element.ToString("X4");
            switch (element)
            {
                case DicomDataElement { BulkDataUri: not null } data:
                    references.Add((dataset, data, path));
                    break;
                case DicomSequence sequence:
                    for (var i = 0; i < sequence.Items.Count; i++) CollectReferences(sequence.Items[i], $"{path}/{i}/", references);
                    break;
            }
        }
    }

    private static DicomBulkDataReference Reference(BulkDataPart part) => new(new DicomFileBulkDataSource(part.Path), 0, part.Length);

    private static DicomFragmentSequence Fragments(DicomTag tag, IReadOnlyList<BulkDataPart> parts)
    {
        var sequence = new DicomFragmentSequence(tag);
        foreach (var part in parts) sequence.Fragments.Add(new DicomFragment(Reference(part)));
        if (parts.Count > 1)
        {
            // One fragment per frame, so the offset table is known: each item is an 8-byte header plus the even length.
            var offsets = new uint[parts.Count];
            long offset = 0;
            for (var i = 0; i < parts.Count; i++)
            {
                if (offset > uint.MaxValue) return sequence;
                offsets[i] = (uint)offset;
                offset += 8 + parts[i].Length + (parts[i].Length & 1);
            }
            sequence.BasicOffsetTable = offsets;
        }
        return sequence;
    }

    /// <summary>The encapsulated syntax a bulk part's media type and parameter name, null for native data, or a problem.</summary>
    private static DicomTransferSyntax? CompressedSyntax(BulkDataPart part, out string? problem)
    {
        problem = null;
        if (part.TransferSyntaxUid is { Length: > 0 } uid)
        {
            if (DicomTransferSyntax.TryGet(uid, out var named))
            {
                if (named.IsEncapsulated) return named;
                if (!named.IsDeflated && !named.IsBigEndian && IsNativeMediaType(part.MediaType)) return null;
            }
            problem = $"part {part.PartNumber} ({part.MediaType}) has transfer-syntax {uid}, which does not fit it";
            return null;
        }
        if (IsNativeMediaType(part.MediaType)) return null;
        if (part.MediaType == "image/jpeg") return JpegSyntax.Detect(part.Path) ?? DefaultSyntaxes[part.MediaType];
        if (DefaultSyntaxes.TryGetValue(part.MediaType, out var syntax)) return syntax;
        if (part.MediaType.StartsWith("image/", StringComparison.Ordinal) || part.MediaType.StartsWith("video/", StringComparison.Ordinal))
            problem = $"part {part.PartNumber} has media type {part.MediaType}, which is no DICOM pixel data encoding";
        return null;
    }

    // Anything that is not an image or video encoding is the value's bytes as they are (text/xml, application/pdf …).
    private static bool IsNativeMediaType(string mediaType) =>
        mediaType == OctetStream || !(mediaType.StartsWith("image/", StringComparison.Ordinal) || mediaType.StartsWith("video/", StringComparison.Ordinal));

    /// <summary>
    /// JSON and XML carry Unicode; when the data set's Specific Character Set cannot encode its text (often: none given
    /// and a name with accents), it becomes UTF-8 (ISO_IR 192) rather than losing characters.
    /// </summary>
    private static void CoerceCharacterSet(DicomDataset dataset, List<string> warnings)
    {
        if (CanEncode(dataset)) return;
        var declared = dataset.GetString(DicomTags.SpecificCharacterSet);
        RemoveNestedCharacterSets(dataset);
        dataset.SetStrings(DicomTags.SpecificCharacterSet, DicomVR.CS, "ISO_IR 192");
        warnings.Add($"Specific Character Set '{declared}' cannot encode the values sent; stored as ISO_IR 192 (UTF-8)");
    }

    private static bool CanEncode(DicomDataset dataset)
    {
        foreach (var element in dataset)
        {
            if (element is DicomDataElement { Text: { } text } data && !dataset.CharacterSet.CanEncode(text, data.VR)) return false;
            if (element is DicomSequence sequence && !sequence.Items.All(CanEncode)) return false;
        }
        return true;
    }

    private static void RemoveNestedCharacterSets(DicomDataset dataset)
    {
        foreach (var sequence in dataset.OfType<DicomSequence>())
            foreach (var item in sequence.Items)
            {
                item.Remove(DicomTags.SpecificCharacterSet);
                RemoveNestedCharacterSets(item);
            }
    }
}
