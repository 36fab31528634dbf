using DicomWeb.Dicom;

namespace DicomWeb.Storage.Query;

/// <summary>
/// What each result of a search holds, decided once per search: the attributes PS3.18 Tables 10.6.3-3 to -5 require
/// for the level (study attributes also for <c>/series</c> and <c>/instances</c>, series attributes also for
/// <c>/instances</c> and <c>/studies/{study}/instances</c>), the matching keys and <c>includefield</c> attributes, and
/// which of those come from the index and which from the stored metadata of a representative instance.
/// </summary>
public sealed class ResultPlan
{
    /// <summary>Specific Character Set of every result: values are Unicode in JSON and XML alike.</summary>
    public const string CharacterSet = "ISO_IR 192";

    private static readonly (DicomTag Tag, bool IfKnown)[] StudyAttributes =
    [
        (DicomTags.StudyDate, false), (DicomTags.StudyTime, false), (DicomTags.AccessionNumber, false), (DicomTags.ModalitiesInStudy, false),
        (DicomTags.SOPClassesInStudy, false), (DicomTags.ReferringPhysicianName, false), (DicomTags.TimezoneOffsetFromUTC, true),
        (DicomTags.StudyDescription, true), (DicomTags.PatientName, false), (DicomTags.PatientID, false), (DicomTags.PatientBirthDate, false),
        (DicomTags.PatientSex, false), (DicomTags.StudyInstanceUID, false), (DicomTags.StudyID, false),
        (DicomTags.NumberOfStudyRelatedSeries, false), (DicomTags.NumberOfStudyRelatedInstances, false),
    ];

    private static readonly (DicomTag Tag, bool IfKnown)[] SeriesAttributes =
    [
        (DicomTags.Modality, false), (DicomTags.TimezoneOffsetFromUTC, true), (DicomTags.SeriesDescription, true),
        (DicomTags.SeriesInstanceUID, false), (DicomTags.SeriesNumber, false), (DicomTags.NumberOfSeriesRelatedInstances, false),
        (DicomTags.PerformedProcedureStepStartDate, true), (DicomTags.PerformedProcedureStepStartTime, true),
    ];

    private static readonly (DicomTag Tag, bool IfKnown)[] InstanceAttributes =
    [
        (DicomTags.SOPClassUID, false), (DicomTags.SOPInstanceUID, false), (DicomTags.TimezoneOffsetFromUTC, true),
        (DicomTags.InstanceNumber, false), (DicomTags.Rows, true), (DicomTags.Columns, true), (DicomTags.BitsAllocated, true),
        (DicomTags.NumberOfFrames, true),
    ];

    private static readonly HashSet<DicomTag> StudyLevelTags =
    [
        DicomTags.SpecificCharacterSet, DicomTags.StudyInstanceUID, DicomTags.StudyDate, DicomTags.StudyTime, DicomTags.ReferringPhysicianName,
        DicomTags.ReferringPhysicianIdentificationSequence, DicomTags.ConsultingPhysicianName, DicomTags.StudyID, DicomTags.AccessionNumber,
        DicomTags.IssuerOfAccessionNumberSequence, DicomTags.StudyDescription, DicomTags.PhysiciansOfRecord, DicomTags.NameOfPhysiciansReadingStudy,
        DicomTags.RequestingPhysician, DicomTags.RequestingService, DicomTags.ProcedureCodeSequence, DicomTags.ReasonForPerformedProcedureCodeSequence,
        DicomTags.ReferencedStudySequence, DicomTags.AdmittingDiagnosesDescription, DicomTags.AdmissionID, DicomTags.TimezoneOffsetFromUTC,
        DicomTags.InstitutionName, DicomTags.InstitutionAddress, DicomTags.StudyStatusID,
    ];

    private static readonly HashSet<DicomTag> SeriesLevelTags =
    [
        DicomTags.Modality, DicomTags.SeriesInstanceUID, DicomTags.SeriesNumber, DicomTags.Laterality, DicomTags.SeriesDate, DicomTags.SeriesTime,
        DicomTags.PerformingPhysicianName, DicomTags.ProtocolName, DicomTags.SeriesDescription, DicomTags.SeriesDescriptionCodeSequence,
        DicomTags.OperatorsName, DicomTags.ReferencedPerformedProcedureStepSequence, DicomTags.BodyPartExamined, DicomTags.PatientPosition,
        DicomTags.RequestAttributesSequence, DicomTags.PerformedProcedureStepID, DicomTags.PerformedProcedureStepStartDate,
        DicomTags.PerformedProcedureStepStartTime, DicomTags.PerformedProcedureStepDescription, DicomTags.PerformedProtocolCodeSequence,
        DicomTags.AnatomicalOrientationType, DicomTags.Manufacturer, DicomTags.StationName, DicomTags.InstitutionalDepartmentName,
        DicomTags.ManufacturerModelName, DicomTags.DeviceSerialNumber, DicomTags.SoftwareVersions, DicomTags.FrameOfReferenceUID,
        DicomTags.PositionReferenceIndicator,
    ];

    private readonly List<(QueryAttribute Attribute, bool IfKnown)> _index = [];
    private readonly List<DicomTag> _metadata = [];

    /// <summary>Plans the results of <paramref name="query"/>.</summary>
    public ResultPlan(SearchQuery query)
    {
        Level = query.Level;
        var withStudy = Level == QueryLevel.Study || query.StudyInstanceUid == null;
        var withSeries = Level == QueryLevel.Series || (Level == QueryLevel.Instance && query.SeriesInstanceUid == null);
        if (withStudy) AddAll(StudyAttributes);
        if (withSeries) AddAll(SeriesAttributes);
        if (Level == QueryLevel.Instance) AddAll(InstanceAttributes);
        AddIndex(DicomTags.StudyInstanceUID, false);
        if (Level != QueryLevel.Study) AddIndex(DicomTags.SeriesInstanceUID, false);
        RequestAttributes = withSeries;

        if (query.IncludeAll)
        {
            AllMetadata = true;
            foreach (var attribute in QueryAttributes.All)
                if (attribute.Path.Count == 1 && IsAvailable(attribute)) AddIndex(attribute, true);
            if (Level != QueryLevel.Study) RequestAttributes = true;
        }
        foreach (var tag in query.IncludeFields)
        {
            if (tag == DicomTags.SpecificCharacterSet || tag == DicomTags.RetrieveURL || tag == DicomTags.InstanceAvailability) continue;
            if (tag == DicomTags.RequestAttributesSequence && Level != QueryLevel.Study) RequestAttributes = true;
            else if (QueryAttributes.Find(tag, Level) is { } attribute && IsAvailable(attribute)) AddIndex(attribute, true);
            else if (!_metadata.Contains(tag)) _metadata.Add(tag);
        }
        NeedsStudyAggregates = _index.Any(a => a.Attribute.Entity == IndexEntity.Study && a.Attribute.Column == null);
        NeedsSeriesCounts = _index.Any(a => a.Attribute.Tag == DicomTags.NumberOfSeriesRelatedInstances);
    }

    /// <summary>The level of the results.</summary>
    public QueryLevel Level { get; }

    /// <summary>Attributes read from the index row, and whether each is left out when it has no value.</summary>
    public IReadOnlyList<(QueryAttribute Attribute, bool IfKnown)> IndexAttributes => _index;

    /// <summary>Attributes copied from the stored metadata.</summary>
    public IReadOnlyList<DicomTag> MetadataTags => _metadata;

    /// <summary><c>includefield=all</c>: also every attribute of the level found in the stored metadata.</summary>
    public bool AllMetadata { get; }

    /// <summary>Whether results carry the Request Attributes Sequence built from the index.</summary>
    public bool RequestAttributes { get; }

    /// <summary>Whether the stored metadata of a representative instance must be read for each result.</summary>
    public bool NeedsMetadata => AllMetadata || _metadata.Count > 0;

    /// <summary>Whether Modalities/SOP Classes in Study and the study's series and instance counts are computed.</summary>
    public bool NeedsStudyAggregates { get; }

    /// <summary>Whether Number of Series Related Instances is computed.</summary>
    public bool NeedsSeriesCounts { get; }

    /// <summary>Whether an attribute found in the stored metadata belongs to results of this level under <c>includefield=all</c>.</summary>
    public bool BelongsToLevel(DicomTag tag) => Level switch
    {
        QueryLevel.Instance => true,
        QueryLevel.Series => tag.Group == 0x0010 || StudyLevelTags.Contains(tag) || SeriesLevelTags.Contains(tag),
        _ => tag.Group == 0x0010 || StudyLevelTags.Contains(tag),
    };

    private bool IsAvailable(QueryAttribute attribute) => attribute.Value != null && attribute.Entity <= (IndexEntity)((int)Level + 1);

    private void AddAll((DicomTag Tag, bool IfKnown)[] attributes)
    {
        foreach (var (tag, ifKnown) in attributes) AddIndex(tag, ifKnown);
    }

    private void AddIndex(DicomTag tag, bool ifKnown) => AddIndex(QueryAttributes.Find(tag, Level)!, ifKnown);

    private void AddIndex(QueryAttribute attribute, bool ifKnown)
    {
        if (_index.Any(a => a.Attribute.Tag == attribute.Tag)) return;
        _index.Add((attribute, ifKnown));
    }
}
