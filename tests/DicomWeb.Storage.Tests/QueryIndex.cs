using DicomWeb.Storage.Blobs;
using DicomWeb.Storage.Index;
using DicomWeb.Storage.Query;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace DicomWeb.Storage.Tests;

/// <summary>A fresh SQLite index in a temporary folder, filled with rows directly, for search tests without HTTP.</summary>
internal sealed class QueryIndex : IDbContextFactory<DicomIndexContext>, IAsyncDisposable
{
    private readonly DbContextOptions<DicomIndexContext> _options;
    private long _next;

    public QueryIndex()
    {
        Root = Path.Combine(Path.GetTempPath(), "dicomweb-query-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        _options = new DbContextOptionsBuilder<DicomIndexContext>().UseSqlite($"Data Source={Path.Combine(Root, "index.db")}").Options;
        using var db = CreateDbContext();
        db.Database.EnsureCreated();
        db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
    }

    public string Root { get; }

    public DicomIndexContext CreateDbContext() => new(_options);

    public IndexSearch Search(SearchOptions? options = null) =>
        new(this, new FileSystemBlobStore(Path.Combine(Root, "blobs")), options ?? new SearchOptions(), NullLogger<IndexSearch>.Instance);

    public string Uid() => $"1.2.826.0.1.3680043.10.{Interlocked.Increment(ref _next)}";

    /// <summary>Adds a patient with one study and, per entry of <paramref name="series"/>, a series of that modality with that many instances.</summary>
    public StudyRecord AddStudy(string patientId, string? name = null, string? date = null, string? time = null,
        params (string Modality, int Instances, string SopClass)[] series)
    {
        using var db = CreateDbContext();
        var patient = new PatientRecord
        {
            PatientKey = "id:|" + patientId + "|" + Uid(), PatientId = patientId, PatientName = name,
            PatientNameFolded = Ingest.IndexAttributes.Fold(name),
        };
        var study = new StudyRecord { StudyInstanceUid = Uid(), Patient = patient, StudyDate = date, StudyTime = time, UpdatedAt = DateTime.UtcNow };
        var number = 0;
        foreach (var (modality, instances, sopClass) in series)
        {
            var record = new SeriesRecord { SeriesInstanceUid = Uid(), Study = study, Modality = modality, SeriesNumber = ++number, UpdatedAt = DateTime.UtcNow };
            for (var i = 0; i < instances; i++)
                record.Instances.Add(new InstanceRecord
                {
                    SopInstanceUid = Uid(), SopClassUid = sopClass, InstanceNumber = i + 1, TransferSyntaxUid = "1.2.840.10008.1.2.1",
                    BlobKey = "none", MetadataKey = "none", ContentHash = "", StoredAt = DateTime.UtcNow,
                });
            study.Series.Add(record);
        }
        db.Studies.Add(study);
        db.SaveChanges();
        return study;
    }

    public async ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await Task.Yield();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
