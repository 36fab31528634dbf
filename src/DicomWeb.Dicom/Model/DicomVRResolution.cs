using DicomWeb.Dicom.IO;

namespace DicomWeb.Dicom;

/// <summary>
/// Gives UN elements of public tags the VR the dictionary knows (PS3.5 §6.2.2 allows it), so that
/// metadata shows numbers, text and sequences rather than opaque bytes. A UN value is encoded as in
/// implicit VR little endian, so the bytes keep their meaning; a value that is really a sequence is parsed.
/// </summary>
public static class DicomVRResolution
{
    private static readonly DicomTag PixelRepresentation = new(0x0028, 0x0103);

    /// <summary>Replaces, in place and in nested items, UN elements whose tag the dictionary knows; returns how many.</summary>
    public static int ResolveUnknownVRs(this DicomDataset dataset)
    {
        var replaced = 0;
        var replacements = new List<DicomElement>();
        foreach (var element in dataset)
        {
            switch (element)
            {
                case DicomSequence sequence:
                    foreach (var item in sequence.Items) replaced += item.ResolveUnknownVRs();
                    break;
                case DicomDataElement { VR: DicomVR.UN } unknown when !unknown.Tag.IsPrivate && unknown.BulkData is null && unknown.BulkDataUri is null:
                    if (Resolve(dataset, unknown) is { } resolved) replacements.Add(resolved);
                    break;
            }
        }
        foreach (var element in replacements) dataset.Set(element);
        return replaced + replacements.Count;
    }

    private static DicomElement? Resolve(DicomDataset dataset, DicomDataElement unknown)
    {
        var vr = DicomDictionary.GetDefaultVR(unknown.Tag);
        if (vr is DicomVR.UN or DicomVR.None) return null;
        if (DicomDictionary.TryGetEntry(unknown.Tag, out var entry) && entry.ValueRepresentations.Count > 1)
        {
            if (entry.ValueRepresentations.Contains(DicomVR.OW)) vr = DicomVR.OW;
            else if (entry.ValueRepresentations.Contains(DicomVR.SS) && dataset.GetInt32(PixelRepresentation) == 1) vr = DicomVR.SS;
        }
        var bytes = unknown.Bytes;
        if (vr != DicomVR.SQ)
            return new DicomDataElement(unknown.Tag, vr, bytes) { StreamOffset = unknown.StreamOffset, ValueOffset = unknown.ValueOffset, SourceLength = unknown.SourceLength };
        try
        {
            var warnings = new List<DicomReadWarning>();
            using var reader = new DicomByteReader(new MemoryStream(bytes.ToArray(), writable: false));
            var parser = new DicomParser(reader, DicomReaderOptions.Default, warnings, null);
            try
            {
                return parser.ReadImplicitSequenceValue(unknown.Tag, bytes.Length);
            }
            finally
            {
                parser.Release();
            }
        }
        catch (Exception e) when (e is DicomParseException or EndOfStreamException)
        {
            // Not a well-formed implicit VR sequence after all: leave it opaque.
            return null;
        }
    }
}
