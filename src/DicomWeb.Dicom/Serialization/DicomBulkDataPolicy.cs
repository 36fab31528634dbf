namespace DicomWeb.Dicom;

/// <summary>Where a binary value sits: the element, and the path of (sequence tag, item index) steps above it.</summary>
/// <param name="Element">The element whose value is being written (a <see cref="DicomDataElement"/> or <see cref="DicomFragmentSequence"/>).</param>
/// <param name="Path">Tags and item indexes from the top-level data set down to the element, e.g. 00540016/0/00181078 style steps.</param>
public readonly record struct DicomBulkDataContext(DicomElement Element, IReadOnlyList<DicomPathStep> Path)
{
    /// <summary>The path as slash-separated hex tags and item indexes ("00540016/0/00281052"), the element last.</summary>
    public string PathString
    {
        get
        {
            var parts = new List<string>(Path.Count * 2 + 1);
            foreach (var step in Path)
            {
                parts.Add(step.Sequence.ToHexString());
                parts.Add(step.ItemIndex.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            parts.Add(Element.Tag.ToHexString());
            return string.Join('/', parts);
        }
    }
}

/// <summary>One step down into a sequence item.</summary>
/// <param name="Sequence">The sequence's tag.</param>
/// <param name="ItemIndex">Zero-based item index.</param>
public readonly record struct DicomPathStep(DicomTag Sequence, int ItemIndex);

/// <summary>
/// How JSON and XML writers render binary values (OB, OD, OF, OL, OV, OW, UN and encapsulated pixel data):
/// inline as Base64, or as a BulkDataURI minted by the caller (the server points at its own bulk data route).
/// </summary>
public sealed class DicomBulkDataPolicy
{
    /// <summary>Everything inline (InlineBinary), as dcm2json does.</summary>
    public static DicomBulkDataPolicy InlineAll { get; } = new();

    /// <summary>
    /// Returns a URI for values to be referenced, or null to inline them. When not set, everything is inlined.
    /// </summary>
    public Func<DicomBulkDataContext, string?>? UriFactory { get; init; }

    /// <summary>Values of at most this many bytes are always inlined, whatever the factory says.</summary>
    public long InlineThreshold { get; init; }

    /// <summary>The URI for a value, or null to inline it.</summary>
    public string? GetUri(in DicomBulkDataContext context, long length) =>
        UriFactory is null || (length >= 0 && length <= InlineThreshold) ? null : UriFactory(context);
}
