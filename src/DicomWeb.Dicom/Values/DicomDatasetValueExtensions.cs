namespace DicomWeb.Dicom;

/// <summary>Typed access to DA, TM, DT, PN and AS values of a <see cref="DicomDataset"/>.</summary>
public static class DicomDatasetValueExtensions
{
    /// <summary>The first value of a DA element; null when absent, empty or malformed.</summary>
    public static DicomDate? GetDate(this DicomDataset dataset, DicomTag tag) =>
        DicomDate.TryParse(dataset.GetFirstString(tag), out var value) ? value : null;

    /// <summary>The first value of a TM element; null when absent, empty or malformed.</summary>
    public static DicomTime? GetTime(this DicomDataset dataset, DicomTag tag) =>
        DicomTime.TryParse(dataset.GetFirstString(tag), out var value) ? value : null;

    /// <summary>The first value of a DT element; null when absent, empty or malformed.</summary>
    public static DicomDateTime? GetDateTime(this DicomDataset dataset, DicomTag tag) =>
        DicomDateTime.TryParse(dataset.GetFirstString(tag), out var value) ? value : null;

    /// <summary>
    /// A DA element combined with a TM element (e.g. Study Date with Study Time) as a DT value with no offset;
    /// null when the date is absent, empty or malformed. A missing or malformed time gives a whole day.
    /// </summary>
    public static DicomDateTime? GetDateTime(this DicomDataset dataset, DicomTag dateTag, DicomTag timeTag) =>
        dataset.GetDate(dateTag) is { } date ? DicomDateTime.FromDateAndTime(date, dataset.GetTime(timeTag)) : null;

    /// <summary>The first value of a PN element; null when absent, empty or malformed.</summary>
    public static DicomPersonName? GetPersonName(this DicomDataset dataset, DicomTag tag) =>
        DicomPersonName.TryParse(dataset.GetFirstString(tag), out var value) && !value.IsEmpty ? value : null;

    /// <summary>The first value of an AS element; null when absent, empty or malformed.</summary>
    public static DicomAgeString? GetAgeString(this DicomDataset dataset, DicomTag tag) =>
        DicomAgeString.TryParse(dataset.GetFirstString(tag), out var value) ? value : null;
}
