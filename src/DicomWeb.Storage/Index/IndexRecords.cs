namespace DicomWeb.Storage.Index;

/// <summary>A patient, identified by Patient ID and its issuer (or, without an ID, by name and birth date).</summary>
public sealed class PatientRecord
{
    /// <summary>Surrogate key.</summary>
    public long Id { get; set; }
    /// <summary>Unique identity: issuer and Patient ID, or name and birth date when there is no ID.</summary>
    public string PatientKey { get; set; } = "";
    /// <summary>Patient ID (0010,0020).</summary>
    public string? PatientId { get; set; }
    /// <summary>Issuer of Patient ID (0010,0021).</summary>
    public string? IssuerOfPatientId { get; set; }
    /// <summary>Patient's Name (0010,0010) as stored.</summary>
    public string? PatientName { get; set; }
    /// <summary>Patient's Name folded for case-insensitive matching (upper case, no accents).</summary>
    public string? PatientNameFolded { get; set; }
    /// <summary>Patient's Birth Date (0010,0030), YYYYMMDD.</summary>
    public string? PatientBirthDate { get; set; }
    /// <summary>Patient's Sex (0010,0040).</summary>
    public string? PatientSex { get; set; }
    /// <summary>The patient's studies.</summary>
    public List<StudyRecord> Studies { get; set; } = [];
}

/// <summary>A study and the study-level attributes QIDO-RS matches and returns.</summary>
public sealed class StudyRecord
{
    /// <summary>Surrogate key.</summary>
    public long Id { get; set; }
    /// <summary>Study Instance UID (0020,000D).</summary>
    public string StudyInstanceUid { get; set; } = "";
    /// <summary>The patient.</summary>
    public long PatientRecordId { get; set; }
    /// <summary>The patient.</summary>
    public PatientRecord? Patient { get; set; }
    /// <summary>Study Date (0008,0020), YYYYMMDD.</summary>
    public string? StudyDate { get; set; }
    /// <summary>Study Time (0008,0030) as stored.</summary>
    public string? StudyTime { get; set; }
    /// <summary>Accession Number (0008,0050).</summary>
    public string? AccessionNumber { get; set; }
    /// <summary>Study ID (0020,0010).</summary>
    public string? StudyId { get; set; }
    /// <summary>Study Description (0008,1030).</summary>
    public string? StudyDescription { get; set; }
    /// <summary>Referring Physician's Name (0008,0090).</summary>
    public string? ReferringPhysicianName { get; set; }
    /// <summary>Referring Physician's Name folded for case-insensitive matching.</summary>
    public string? ReferringPhysicianNameFolded { get; set; }
    /// <summary>Institution Name (0008,0080).</summary>
    public string? InstitutionName { get; set; }
    /// <summary>Timezone Offset From UTC (0008,0201).</summary>
    public string? TimezoneOffsetFromUtc { get; set; }
    /// <summary>Patient's Age (0010,1010) at the study.</summary>
    public string? PatientAge { get; set; }
    /// <summary>When the study last changed here (UTC), for Last-Modified.</summary>
    public DateTime UpdatedAt { get; set; }
    /// <summary>The study's series.</summary>
    public List<SeriesRecord> Series { get; set; } = [];
}

/// <summary>A series and the series-level attributes QIDO-RS matches and returns.</summary>
public sealed class SeriesRecord
{
    /// <summary>Surrogate key.</summary>
    public long Id { get; set; }
    /// <summary>Series Instance UID (0020,000E).</summary>
    public string SeriesInstanceUid { get; set; } = "";
    /// <summary>The study.</summary>
    public long StudyRecordId { get; set; }
    /// <summary>The study.</summary>
    public StudyRecord? Study { get; set; }
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
    /// <summary>Request Attributes Sequence (0040,0275) &gt; Requested Procedure ID (0040,1001), first item.</summary>
    public string? RequestedProcedureId { get; set; }
    /// <summary>Request Attributes Sequence (0040,0275) &gt; Scheduled Procedure Step ID (0040,0009), first item.</summary>
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
    public string? InstitutionName { get; set; }
    /// <summary>When the series last changed here (UTC).</summary>
    public DateTime UpdatedAt { get; set; }
    /// <summary>The series' instances.</summary>
    public List<InstanceRecord> Instances { get; set; } = [];
}

/// <summary>A stored instance: its instance-level attributes and where its bytes, metadata and frames lie.</summary>
public sealed class InstanceRecord
{
    /// <summary>Surrogate key.</summary>
    public long Id { get; set; }
    /// <summary>SOP Instance UID (0008,0018).</summary>
    public string SopInstanceUid { get; set; } = "";
    /// <summary>The series.</summary>
    public long SeriesRecordId { get; set; }
    /// <summary>The series.</summary>
    public SeriesRecord? Series { get; set; }
    /// <summary>SOP Class UID (0008,0016).</summary>
    public string SopClassUid { get; set; } = "";
    /// <summary>Instance Number (0020,0013).</summary>
    public int? InstanceNumber { get; set; }
    /// <summary>Rows (0028,0010).</summary>
    public int? Rows { get; set; }
    /// <summary>Columns (0028,0011).</summary>
    public int? Columns { get; set; }
    /// <summary>Bits Allocated (0028,0100).</summary>
    public int? BitsAllocated { get; set; }
    /// <summary>Number of Frames (0028,0008); null for single-frame objects.</summary>
    public int? NumberOfFrames { get; set; }
    /// <summary>Content Date (0008,0023).</summary>
    public string? ContentDate { get; set; }
    /// <summary>Content Time (0008,0033).</summary>
    public string? ContentTime { get; set; }
    /// <summary>Transfer syntax the instance is stored in.</summary>
    public string TransferSyntaxUid { get; set; } = "";
    /// <summary>Stored size in bytes.</summary>
    public long Size { get; set; }
    /// <summary>
    /// <see cref="Ingest.ContentHash"/> of the stored bytes (strong ETag, duplicate detection); a bare SHA-256 for
    /// instances stored by earlier versions. Its column keeps its first name, Sha256, so existing indexes open unchanged.
    /// </summary>
    public string ContentHash { get; set; } = "";
    /// <summary>Blob key of the Part 10 bytes.</summary>
    public string BlobKey { get; set; } = "";
    /// <summary>Blob key of the precomputed DICOM JSON.</summary>
    public string MetadataKey { get; set; } = "";
    /// <summary>Where each frame lies in the blob, in <see cref="FrameTable"/> encoding; null without pixel data.</summary>
    public byte[]? Frames { get; set; }
    /// <summary>When the instance was stored here (UTC).</summary>
    public DateTime StoredAt { get; set; }
}
