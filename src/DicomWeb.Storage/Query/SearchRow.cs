namespace DicomWeb.Storage.Query;

/// <summary>
/// One search result as read from the index: the columns of the matched record and of the records above it,
/// plus the computed attributes. Columns of levels below the query level stay empty.
/// </summary>
public sealed class SearchRow
{
    /// <summary>Patient ID (0010,0020).</summary>
    public string? PatientId { get; set; }
    /// <summary>Issuer of Patient ID (0010,0021).</summary>
    public string? IssuerOfPatientId { get; set; }
    /// <summary>Patient's Name (0010,0010).</summary>
    public string? PatientName { get; set; }
    /// <summary>Patient's Birth Date (0010,0030).</summary>
    public string? PatientBirthDate { get; set; }
    /// <summary>Patient's Sex (0010,0040).</summary>
    public string? PatientSex { get; set; }

    /// <summary>Index key of the study.</summary>
    public long StudyKey { get; set; }
    /// <summary>Study Instance UID (0020,000D).</summary>
    public string StudyInstanceUid { get; set; } = "";
    /// <summary>Study Date (0008,0020).</summary>
    public string? StudyDate { get; set; }
    /// <summary>Study Time (0008,0030).</summary>
    public string? StudyTime { get; set; }
    /// <summary>Accession Number (0008,0050).</summary>
    public string? AccessionNumber { get; set; }
    /// <summary>Study ID (0020,0010).</summary>
    public string? StudyId { get; set; }
    /// <summary>Study Description (0008,1030).</summary>
    public string? StudyDescription { get; set; }
    /// <summary>Referring Physician's Name (0008,0090).</summary>
    public string? ReferringPhysicianName { get; set; }
    /// <summary>Institution Name (0008,0080) of the study.</summary>
    public string? StudyInstitutionName { get; set; }
    /// <summary>Timezone Offset From UTC (0008,0201).</summary>
    public string? TimezoneOffsetFromUtc { get; set; }
    /// <summary>Patient's Age (0010,1010).</summary>
    public string? PatientAge { get; set; }
    /// <summary>Modalities in Study (0008,0061), computed.</summary>
    public IReadOnlyList<string> ModalitiesInStudy { get; set; } = [];
    /// <summary>SOP Classes in Study (0008,0062), computed.</summary>
    public IReadOnlyList<string> SopClassesInStudy { get; set; } = [];
    /// <summary>Number of Study Related Series (0020,1206), computed.</summary>
    public int NumberOfStudyRelatedSeries { get; set; }
    /// <summary>Number of Study Related Instances (0020,1208), computed.</summary>
    public int NumberOfStudyRelatedInstances { get; set; }

    /// <summary>Index key of the series; 0 at the study level.</summary>
    public long SeriesKey { get; set; }
    /// <summary>Series Instance UID (0020,000E).</summary>
    public string? SeriesInstanceUid { get; set; }
    /// <summary>Modality (0008,0060).</summary>
    public string? Modality { get; set; }
    /// <summary>Series Number (0020,0011).</summary>
    public int? SeriesNumber { get; set; }
    /// <summary>Series Description (0008,103E).</summary>
    public string? SeriesDescription { get; set; }
    /// <summary>Series Date (0008,0021).</summary>
    public string? SeriesDate { get; set; }
    /// <summary>Series Time (0008,0031).</summary>
    public string? SeriesTime { get; set; }
    /// <summary>Performed Procedure Step Start Date (0040,0244).</summary>
    public string? PerformedProcedureStepStartDate { get; set; }
    /// <summary>Performed Procedure Step Start Time (0040,0245).</summary>
    public string? PerformedProcedureStepStartTime { get; set; }
    /// <summary>Request Attributes Sequence &gt; Requested Procedure ID (0040,1001).</summary>
    public string? RequestedProcedureId { get; set; }
    /// <summary>Request Attributes Sequence &gt; Scheduled Procedure Step ID (0040,0009).</summary>
    public string? ScheduledProcedureStepId { get; set; }
    /// <summary>Manufacturer (0008,0070).</summary>
    public string? Manufacturer { get; set; }
    /// <summary>Manufacturer's Model Name (0008,1090).</summary>
    public string? ManufacturerModelName { get; set; }
    /// <summary>Body Part Examined (0018,0015).</summary>
    public string? BodyPartExamined { get; set; }
    /// <summary>Station Name (0008,1010).</summary>
    public string? StationName { get; set; }
    /// <summary>Protocol Name (0018,1030).</summary>
    public string? ProtocolName { get; set; }
    /// <summary>Institution Name (0008,0080) of the series.</summary>
    public string? SeriesInstitutionName { get; set; }
    /// <summary>Number of Series Related Instances (0020,1209), computed.</summary>
    public int NumberOfSeriesRelatedInstances { get; set; }

    /// <summary>Index key of the instance; 0 above the instance level.</summary>
    public long InstanceKey { get; set; }
    /// <summary>SOP Instance UID (0008,0018).</summary>
    public string? SopInstanceUid { get; set; }
    /// <summary>SOP Class UID (0008,0016).</summary>
    public string? SopClassUid { get; set; }
    /// <summary>Instance Number (0020,0013).</summary>
    public int? InstanceNumber { get; set; }
    /// <summary>Rows (0028,0010).</summary>
    public int? Rows { get; set; }
    /// <summary>Columns (0028,0011).</summary>
    public int? Columns { get; set; }
    /// <summary>Bits Allocated (0028,0100).</summary>
    public int? BitsAllocated { get; set; }
    /// <summary>Number of Frames (0028,0008).</summary>
    public int? NumberOfFrames { get; set; }
    /// <summary>Content Date (0008,0023).</summary>
    public string? ContentDate { get; set; }
    /// <summary>Content Time (0008,0033).</summary>
    public string? ContentTime { get; set; }

    /// <summary>
    /// Blob key of the stored metadata of the representative instance (the first stored instance of the study or
    /// series, or the instance itself); read only when the query asks for attributes the index does not hold.
    /// </summary>
    public string? MetadataKey { get; set; }
}
