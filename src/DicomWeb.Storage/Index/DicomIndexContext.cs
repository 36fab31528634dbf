using Microsoft.EntityFrameworkCore;

namespace DicomWeb.Storage.Index;

/// <summary>
/// The EF Core index: Patient → Study → Series → Instance with the attributes QIDO-RS matches,
/// indexed for matching. The model uses only portable types so it runs unchanged on SQLite and PostgreSQL.
/// </summary>
public sealed class DicomIndexContext(DbContextOptions<DicomIndexContext> options) : DbContext(options)
{
    /// <summary>Patients.</summary>
    public DbSet<PatientRecord> Patients => Set<PatientRecord>();
    /// <summary>Studies.</summary>
    public DbSet<StudyRecord> Studies => Set<StudyRecord>();
    /// <summary>Series.</summary>
    public DbSet<SeriesRecord> Series => Set<SeriesRecord>();
    /// <summary>Instances.</summary>
    public DbSet<InstanceRecord> Instances => Set<InstanceRecord>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<PatientRecord>(patient =>
        {
            patient.ToTable("Patients");
            patient.HasIndex(p => p.PatientKey).IsUnique();
            patient.HasIndex(p => p.PatientId);
            patient.HasIndex(p => p.PatientNameFolded);
            patient.HasIndex(p => p.PatientBirthDate);
        });
        model.Entity<StudyRecord>(study =>
        {
            study.ToTable("Studies");
            study.HasIndex(s => s.StudyInstanceUid).IsUnique();
            study.HasIndex(s => s.PatientRecordId);
            study.HasIndex(s => s.StudyDate);
            study.HasIndex(s => s.AccessionNumber);
            study.HasIndex(s => s.ReferringPhysicianNameFolded);
            study.HasOne(s => s.Patient).WithMany(p => p.Studies).HasForeignKey(s => s.PatientRecordId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<SeriesRecord>(series =>
        {
            series.ToTable("Series");
            series.HasIndex(s => s.SeriesInstanceUid).IsUnique();
            series.HasIndex(s => new { s.StudyRecordId, s.Modality });
            series.HasIndex(s => s.Modality);
            series.HasIndex(s => s.SeriesDate);
            series.HasOne(s => s.Study).WithMany(s => s.Series).HasForeignKey(s => s.StudyRecordId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<InstanceRecord>(instance =>
        {
            instance.ToTable("Instances");
            instance.Property(i => i.ContentHash).HasColumnName("Sha256");
            instance.HasIndex(i => i.SopInstanceUid).IsUnique();
            instance.HasIndex(i => i.SeriesRecordId);
            instance.HasIndex(i => i.SopClassUid);
            // Covers SOP Classes in Study and the instance counts of QIDO-RS results without reading instance rows.
            instance.HasIndex(i => new { i.SeriesRecordId, i.SopClassUid });
            instance.HasOne(i => i.Series).WithMany(s => s.Instances).HasForeignKey(i => i.SeriesRecordId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
