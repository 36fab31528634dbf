using System.Globalization;
using DicomWeb.Dicom;

namespace DicomWeb.Storage.Query;

/// <summary>Turns index rows (and, where asked, stored metadata) into the data sets a search returns.</summary>
public static class SearchResultBuilder
{
    /// <summary>
    /// The result for <paramref name="row"/>: the planned index attributes, Retrieve URL and Instance Availability, then
    /// the planned attributes of <paramref name="metadata"/> that the index did not supply, with relative BulkDataURIs
    /// made absolute against <paramref name="baseUrl"/>.
    /// </summary>
    public static DicomDataset Build(SearchRow row, ResultPlan plan, string baseUrl, DicomDataset? metadata)
    {
        var result = new DicomDataset();
        result.Set(new DicomDataElement(DicomTags.SpecificCharacterSet, DicomVR.CS, ResultPlan.CharacterSet));
        foreach (var (attribute, ifKnown) in plan.IndexAttributes)
        {
            var value = attribute.Value!(row);
            if (ifKnown && IsEmpty(value)) continue;
            result.Set(Element(attribute.Tag, attribute.VR, value));
        }
        if (plan.RequestAttributes && (row.RequestedProcedureId != null || row.ScheduledProcedureStepId != null))
        {
            var item = new DicomDataset();
            if (row.ScheduledProcedureStepId != null) item.Set(new DicomDataElement(DicomTags.ScheduledProcedureStepID, DicomVR.SH, row.ScheduledProcedureStepId));
            if (row.RequestedProcedureId != null) item.Set(new DicomDataElement(DicomTags.RequestedProcedureID, DicomVR.SH, row.RequestedProcedureId));
            result.Set(new DicomSequence(DicomTags.RequestAttributesSequence, [item]));
        }
        result.Set(new DicomDataElement(DicomTags.RetrieveURL, DicomVR.UR, RetrieveUrl(row, plan.Level, baseUrl)));
        result.Set(new DicomDataElement(DicomTags.InstanceAvailability, DicomVR.CS, "ONLINE"));

        if (metadata != null)
        {
            foreach (var tag in plan.MetadataTags)
                if (!result.Contains(tag) && metadata.Get(tag) is { } element) result.Set(WithAbsoluteUris(element, baseUrl));
            if (plan.AllMetadata)
                foreach (var element in metadata)
                    if (!result.Contains(element.Tag) && plan.BelongsToLevel(element.Tag)) result.Set(WithAbsoluteUris(element, baseUrl));
        }
        return result;
    }

    /// <summary>The URL of the study, series or instance a result stands for.</summary>
    public static string RetrieveUrl(SearchRow row, QueryLevel level, string baseUrl) => level switch
    {
        QueryLevel.Study => $"{baseUrl}/studies/{row.StudyInstanceUid}",
        QueryLevel.Series => $"{baseUrl}/studies/{row.StudyInstanceUid}/series/{row.SeriesInstanceUid}",
        _ => $"{baseUrl}/studies/{row.StudyInstanceUid}/series/{row.SeriesInstanceUid}/instances/{row.SopInstanceUid}",
    };

    private static bool IsEmpty(object? value) => value switch
    {
        null => true,
        string text => text.Length == 0,
        IReadOnlyList<string> list => list.Count == 0,
        _ => false,
    };

    private static DicomElement Element(DicomTag tag, DicomVR vr, object? value) => value switch
    {
        string text => new DicomDataElement(tag, vr, text),
        int number when vr == DicomVR.US => DicomDataElement.FromValues<ushort>(tag, vr, [(ushort)Math.Clamp(number, 0, ushort.MaxValue)]),
        int number => new DicomDataElement(tag, vr, number.ToString(CultureInfo.InvariantCulture)),
        IReadOnlyList<string> list => DicomDataElement.FromStrings(tag, vr, list),
        _ => new DicomDataElement(tag, vr, ReadOnlyMemory<byte>.Empty),
    };

    /// <summary>The stored metadata points at bulk data relative to the DICOMweb root; clients need absolute URIs.</summary>
    private static DicomElement WithAbsoluteUris(DicomElement element, string baseUrl)
    {
        switch (element)
        {
            case DicomDataElement { BulkDataUri: { } uri } data when !Uri.IsWellFormedUriString(uri, UriKind.Absolute):
                return new DicomDataElement(data.Tag, data.VR, ReadOnlyMemory<byte>.Empty) { BulkDataUri = $"{baseUrl}/{uri.TrimStart('/')}" };
            case DicomSequence sequence:
                var items = new List<DicomDataset>(sequence.Items.Count);
                foreach (var item in sequence.Items)
                {
                    var copy = new DicomDataset();
                    foreach (var inner in item) copy.Set(WithAbsoluteUris(inner, baseUrl));
                    items.Add(copy);
                }
                return new DicomSequence(sequence.Tag, items, sequence.VR);
            default:
                return element;
        }
    }
}
