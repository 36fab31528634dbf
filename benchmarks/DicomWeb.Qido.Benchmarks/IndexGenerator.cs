using System.Data.Common;
using System.Diagnostics;
using DicomWeb.Storage;
using DicomWeb.Storage.Index;
using DicomWeb.Storage.Ingest;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace DicomWeb.Qido.Benchmarks;

/// <summary>
/// Fills a SQLite index with synthetic studies (1–4 series of 1–20 instances each) as fast as SQLite allows: the
/// schema comes from <see cref="DicomIndexContext"/>, rows are record objects written with prepared INSERTs whose
/// columns are read from the EF Core model (so the generator follows schema changes), one transaction per batch.
/// Blob keys are fake: searches without <c>includefield</c> never read blobs.
/// </summary>
internal static class IndexGenerator
{
    private static readonly string[] FamilyNames =
    [
        "MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT", "DURAND", "LEROY", "MOREAU", "SIMON", "LAURENT", "LEFEBVRE",
        "MICHEL", "GARCIA", "DAVID", "BERTRAND", "ROUX", "VINCENT", "FOURNIER", "MOREL", "GIRARD", "ANDRE", "LEFEVRE", "MERCIER", "DUPONT",
        "LAMBERT", "BONNET", "FRANCOIS", "MARTINEZ", "SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "MILLER", "DAVIS", "WILSON", "ANDERSON",
        "TAYLOR", "MUELLER", "SCHMIDT", "SCHNEIDER", "FISCHER", "WEBER", "MEYER", "WAGNER", "BECKER", "SCHULZ", "HOFFMANN", "ROSSI", "RUSSO",
        "FERRARI", "ESPOSITO", "BIANCHI", "ROMANO", "COLOMBO", "RICCI", "MARINO", "GRECO", "YAMADA", "SATO", "SUZUKI", "TAKAHASHI", "TANAKA",
        "WATANABE", "ITO", "NAKAMURA", "KOBAYASHI", "KATO", "NGUYEN", "TRAN", "LE", "PHAM", "HOANG", "KIM", "LEE", "PARK", "CHOI", "JUNG",
    ];

    private static readonly string[] GivenNames =
    [
        "JEAN", "MARIE", "PIERRE", "ANNE", "MICHEL", "CLAIRE", "PAUL", "SOPHIE", "LOUIS", "JULIE", "JOHN", "MARY", "JAMES", "LINDA", "ROBERT",
        "SUSAN", "HANS", "ANNA", "KLAUS", "PETRA", "MARCO", "GIULIA", "LUCA", "SARA", "TARO", "HANAKO", "KENJI", "YUKI", "MINH", "LAN",
    ];

    private static readonly (string Modality, string SopClass, int Weight)[] Modalities =
    [
        ("CT", "1.2.840.10008.5.1.4.1.1.2", 30), ("MR", "1.2.840.10008.5.1.4.1.1.4", 25), ("CR", "1.2.840.10008.5.1.4.1.1.1", 8),
        ("DX", "1.2.840.10008.5.1.4.1.1.1.1", 7), ("US", "1.2.840.10008.5.1.4.1.1.6.1", 10), ("PT", "1.2.840.10008.5.1.4.1.1.128", 5),
        ("SR", "1.2.840.10008.5.1.4.1.1.88.22", 8), ("SEG", "1.2.840.10008.5.1.4.1.1.66.4", 4), ("XA", "1.2.840.10008.5.1.4.1.1.12.1", 3),
    ];

    private static readonly string[] Descriptions = ["CHEST", "ABDOMEN", "BRAIN", "KNEE LEFT", "KNEE RIGHT", "SPINE", "PELVIS", "CARDIAC", "NECK", "WHOLE BODY"];

    /// <summary>Creates <paramref name="studies"/> studies in a new index under <paramref name="dataPath"/>; returns the instance count.</summary>
    public static long Generate(string dataPath, int studies, int seed, TextWriter log)
    {
        Directory.CreateDirectory(dataPath);
        var storage = new StorageOptions { Path = dataPath };
        var builder = new DbContextOptionsBuilder<DicomIndexContext>();
        StorageStartup.ConfigureDatabase(builder, storage);
        using var db = new DicomIndexContext(builder.Options);
        db.Database.EnsureDeleted();
        db.Database.EnsureCreated();
        var connection = db.Database.GetDbConnection();
        connection.Open();
        Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;");

        var patients = new RowWriter<PatientRecord>(db, connection);
        var studyRows = new RowWriter<StudyRecord>(db, connection);
        var seriesRows = new RowWriter<SeriesRecord>(db, connection);
        var instanceRows = new RowWriter<InstanceRecord>(db, connection);

        var random = new Random(seed);
        var patientCount = Math.Max(1, studies * 7 / 10);
        var created = new bool[patientCount + 1];
        long seriesId = 0, instanceId = 0;
        var firstDay = new DateOnly(2010, 1, 1);
        var days = new DateOnly(2024, 12, 31).DayNumber - firstDay.DayNumber + 1;
        var now = DateTime.UtcNow;
        var watch = Stopwatch.StartNew();
        const int batch = 2000;

        DbTransaction? transaction = null;
        for (var s = 1; s <= studies; s++)
        {
            if ((s - 1) % batch == 0)
            {
                transaction?.Commit();
                transaction = connection.BeginTransaction();
                foreach (var writer in new IRowWriter[] { patients, studyRows, seriesRows, instanceRows }) writer.Enlist(transaction);
            }
            var patient = random.Next(1, patientCount + 1);
            if (!created[patient])
            {
                created[patient] = true;
                var name = $"{FamilyNames[patient % FamilyNames.Length]}^{GivenNames[patient / FamilyNames.Length % GivenNames.Length]}";
                patients.Insert(new PatientRecord
                {
                    Id = patient, PatientKey = $"id:|PID{patient:D7}", PatientId = $"PID{patient:D7}", PatientName = name,
                    PatientNameFolded = IndexAttributes.Fold(name), PatientBirthDate = $"{1930 + patient % 80}{patient % 12 + 1:D2}{patient % 28 + 1:D2}",
                    PatientSex = patient % 2 == 0 ? "F" : "M",
                });
            }
            var date = firstDay.AddDays(random.Next(days));
            var studyUid = $"1.2.826.0.1.3680043.10.543.{s}";
            var referring = $"{FamilyNames[random.Next(FamilyNames.Length)]}^{GivenNames[random.Next(GivenNames.Length)]}";
            studyRows.Insert(new StudyRecord
            {
                Id = s, StudyInstanceUid = studyUid, PatientRecordId = patient, StudyDate = date.ToString("yyyyMMdd"),
                StudyTime = $"{random.Next(7, 20):D2}{random.Next(60):D2}{random.Next(60):D2}", AccessionNumber = $"ACC{s:D8}", StudyId = $"{s % 100000}",
                StudyDescription = Descriptions[random.Next(Descriptions.Length)], ReferringPhysicianName = referring,
                ReferringPhysicianNameFolded = referring, InstitutionName = "BENCH HOSPITAL", UpdatedAt = now,
            });
            var seriesInStudy = random.Next(1, 5);
            for (var n = 1; n <= seriesInStudy; n++)
            {
                var (modality, sopClass) = PickModality(random);
                var seriesUid = $"{studyUid}.{n}";
                seriesRows.Insert(new SeriesRecord
                {
                    Id = ++seriesId, SeriesInstanceUid = seriesUid, StudyRecordId = s, Modality = modality, SeriesNumber = n,
                    SeriesDescription = $"{modality} SERIES {n}", SeriesDate = date.ToString("yyyyMMdd"), Manufacturer = "BENCH",
                    BodyPartExamined = "CHEST", UpdatedAt = now,
                });
                var instances = random.Next(1, 21);
                for (var i = 1; i <= instances; i++)
                {
                    var sop = $"{seriesUid}.{i}";
                    instanceRows.Insert(new InstanceRecord
                    {
                        Id = ++instanceId, SopInstanceUid = sop, SeriesRecordId = seriesId, SopClassUid = sopClass, InstanceNumber = i,
                        Rows = 512, Columns = 512, BitsAllocated = 16, TransferSyntaxUid = "1.2.840.10008.1.2.1", Size = 524288, ContentHash = "",
                        BlobKey = "bench/none", MetadataKey = "bench/none", StoredAt = now,
                    });
                }
            }
            if (s % 20000 == 0) log.WriteLine($"  {s:N0} studies, {instanceId:N0} instances, {watch.Elapsed.TotalSeconds:F0} s");
        }
        transaction?.Commit();
        Execute(connection, "ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);");
        log.WriteLine($"  generated {studies:N0} studies, {seriesId:N0} series, {instanceId:N0} instances in {watch.Elapsed.TotalSeconds:F0} s");
        return instanceId;
    }

    private static (string Modality, string SopClass) PickModality(Random random)
    {
        var total = Modalities.Sum(m => m.Weight);
        var pick = random.Next(total);
        foreach (var (modality, sopClass, weight) in Modalities)
        {
            if (pick < weight) return (modality, sopClass);
            pick -= weight;
        }
        return (Modalities[0].Modality, Modalities[0].SopClass);
    }

    private static void Execute(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private interface IRowWriter
    {
        void Enlist(DbTransaction transaction);
    }

    /// <summary>A prepared INSERT of every mapped column of <typeparamref name="T"/>, values taken through EF Core's property getters.</summary>
    private sealed class RowWriter<T> : IRowWriter where T : class
    {
        private readonly DbCommand _command;
        private readonly IProperty[] _properties;

        public RowWriter(DicomIndexContext db, DbConnection connection)
        {
            var entity = db.Model.FindEntityType(typeof(T))!;
            _properties = entity.GetProperties().ToArray();
            var table = entity.GetTableName()!;
            var columns = _properties.Select(p => p.GetColumnName()).ToArray();
            _command = connection.CreateCommand();
            _command.CommandText =
                $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", columns.Select((_, i) => $"@p{i}"))})";
            for (var i = 0; i < columns.Length; i++)
            {
                var parameter = _command.CreateParameter();
                parameter.ParameterName = $"@p{i}";
                _command.Parameters.Add(parameter);
            }
        }

        public void Enlist(DbTransaction transaction) => _command.Transaction = transaction;

        public void Insert(T row)
        {
            for (var i = 0; i < _properties.Length; i++)
                _command.Parameters[i].Value = _properties[i].GetGetter().GetClrValue(row) ?? DBNull.Value;
            _command.ExecuteNonQuery();
        }
    }
}
