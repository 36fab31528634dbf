using DicomWeb.Dicom.Tests;

namespace DicomWeb.Server.Tests;

/// <summary>One server shared by the read-only QIDO-RS tests: five generated studies and six corpus files, stored over STOW-RS.</summary>
public sealed class QidoFixture : IAsyncLifetime
{
    public static readonly string[] CorpusFiles =
    [
        "native/ct_explicit_le.dcm", "native/mr_implicit_le.dcm", "native/emri_be.dcm", "native/seg_1bit_be.dcm",
        "multiframe/xa_96f_jpeg.dcm", "multiframe/legacy_converted_ct.dcm",
    ];

    internal ServerHarness Server { get; private set; } = null!;
    internal HttpClient Client => Server.Client;
    internal string BaseUrl => Server.Client.BaseAddress + "dicom-web";

    internal GeneratedStudy Doe { get; } = new()
    {
        PatientId = "QP-001", PatientName = "Doe^John", BirthDate = "19700101", Sex = "M", StudyDate = "20200110", StudyTime = "083000",
        Accession = "ACC-1", Description = "CT CHEST", Referring = "Smith^Anna", PatientComments = "allergic to iodine",
        Series =
        [
            new GeneratedSeries { Modality = "CT", Number = 1, Instances = 3, BodyPart = "CHEST", ProtocolName = "Chest Routine",
                RequestedProcedureId = "RP-1", ScheduledProcedureStepId = "SPS-1", Description = "AXIAL" },
            new GeneratedSeries { Modality = "SR", Number = 2, Instances = 1, SopClass = QidoTestData.BasicTextSr },
        ],
    };

    internal GeneratedStudy Jeanne { get; } = new()
    {
        PatientId = "QP-002", PatientName = "Doé^Jeanne", BirthDate = "19851231", Sex = "F", StudyDate = "20200115", StudyTime = "143000",
        Accession = "ACC-2", Description = "MR BRAIN", Referring = "Jones^Bob",
        Series =
        [
            new GeneratedSeries { Modality = "MR", Number = 1, Instances = 2, SopClass = "1.2.840.10008.5.1.4.1.1.4" },
            new GeneratedSeries { Modality = "MR", Number = 2, Instances = 1, SopClass = "1.2.840.10008.5.1.4.1.1.4" },
        ],
    };

    internal GeneratedStudy Smith { get; } = new()
    {
        PatientId = "QP-003", PatientName = "Smith^John^Paul", StudyDate = "20200220", StudyTime = "2359", Accession = "ACC-3", Description = "CT ABDOMEN",
        Series =
        [
            new GeneratedSeries { Modality = "CT", Number = 1, Instances = 2 },
            new GeneratedSeries { Modality = "PT", Number = 2, Instances = 1, SopClass = "1.2.840.10008.5.1.4.1.1.128" },
        ],
    };

    internal GeneratedStudy Yamada { get; } = new()
    {
        PatientId = "QP-004", PatientName = "Yamada^Tarou=山田^太郎", StudyDate = "20210101", StudyTime = "000100", Accession = "ACC-4",
        Series = [new GeneratedSeries { Modality = "US", Instances = 1, SopClass = "1.2.840.10008.5.1.4.1.1.6.1" }],
    };

    internal GeneratedStudy VanDoe { get; } = new()
    {
        PatientId = "QP-005", PatientName = "van Doe^Ann", StudyDate = "20190601", Accession = "ACC-5",
        Series = [new GeneratedSeries { Modality = "DX", Instances = 1, SopClass = "1.2.840.10008.5.1.4.1.1.1.1" }],
    };

    internal IReadOnlyList<GeneratedStudy> Generated => [Doe, Jeanne, Smith, Yamada, VanDoe];

    internal static int CorpusStudyCount => CorpusFiles.Select(f => TestData.Entry(f).GetProperty("study_instance_uid").GetString()).Distinct().Count();

    public async Task InitializeAsync()
    {
        Server = await ServerHarness.StartAsync();
        await QidoTestData.StoreAsync(Client, Generated.SelectMany(s => s.Files()));
        await QidoTestData.StoreAsync(Client, CorpusFiles.Select(f => File.ReadAllBytes(TestData.PathOf(f))));
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();

    internal string[] Uids(params GeneratedStudy[] studies) => studies.Select(s => s.StudyUid).Order().ToArray();
}
