using DicomWeb.Storage.Blobs;
using DicomWeb.Storage.Deletion;
using DicomWeb.Storage.Index;
using DicomWeb.Storage.Ingest;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DicomWeb.Storage;

/// <summary>Registers storage services and prepares the data folder and index at start-up.</summary>
public static class StorageStartup
{
    /// <summary>Adds the blob store, index, staging area, journal, <see cref="InstanceStore"/> and <see cref="InstanceDeletion"/>.</summary>
    public static IServiceCollection AddDicomStorage(this IServiceCollection services, StorageOptions options)
    {
        var root = options.FullPath;
        Directory.CreateDirectory(root);
        services.AddSingleton(options);
        services.AddSingleton(new FileSystemBlobStore(Path.Combine(root, "blobs")));
        services.AddSingleton<IBlobStore>(provider => provider.GetRequiredService<FileSystemBlobStore>());
        services.AddSingleton(new StagingArea(root, options.FlushToDisk));
        services.AddSingleton(new CommitJournal(root));
        // Pooled: WADO and QIDO open a context per request, and a pooled one skips most of the set-up.
        services.AddPooledDbContextFactory<DicomIndexContext>(builder => ConfigureDatabase(builder, options));
        services.AddSingleton<InstanceStore>();
        services.AddSingleton<IndexWriteLock>();
        services.AddSingleton<InstanceDeletion>();
        return services;
    }

    /// <summary>Points EF Core at the configured provider.</summary>
    public static void ConfigureDatabase(DbContextOptionsBuilder builder, StorageOptions options)
    {
        switch (options.Provider)
        {
            case IndexProvider.Sqlite:
                builder.UseSqlite(options.ConnectionString ?? $"Data Source={Path.Combine(options.FullPath, "index.db")};Pooling=True;Default Timeout=30");
                break;
            case IndexProvider.PostgreSql:
                if (string.IsNullOrWhiteSpace(options.ConnectionString))
                    throw new InvalidOperationException("Storage:ConnectionString is required when Storage:Provider is PostgreSql");
                builder.UseNpgsql(options.ConnectionString);
                break;
            default:
                throw new InvalidOperationException($"Storage:Provider '{options.Provider}' is not supported");
        }
    }

    /// <summary>
    /// Creates the schema if needed, switches SQLite to WAL, deletes staging leftovers and settles
    /// stores that a crash interrupted: their blobs are kept only if the index points at them.
    /// </summary>
    public static async Task InitializeDicomStorageAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var options = services.GetRequiredService<StorageOptions>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StorageStartup));
        var contexts = services.GetRequiredService<IDbContextFactory<DicomIndexContext>>();
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            if (options.Provider == IndexProvider.Sqlite)
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            await db.Database.EnsureCreatedAsync(cancellationToken);
        }

        var staged = services.GetRequiredService<StagingArea>().DeleteLeftovers();
        var temporary = services.GetRequiredService<FileSystemBlobStore>().DeleteLeftovers();
        var blobs = services.GetRequiredService<IBlobStore>();
        var journal = services.GetRequiredService<CommitJournal>();
        var orphans = 0;
        foreach (var (entry, keys) in journal.Pending())
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var referenced = await db.Instances.AnyAsync(i => keys.Contains(i.BlobKey) || keys.Contains(i.MetadataKey), cancellationToken);
            if (!referenced)
                foreach (var key in keys)
                    if (await blobs.DeleteAsync(key, cancellationToken)) orphans++;
            journal.Complete(entry);
        }
        if (staged + temporary + orphans > 0)
            logger.LogWarning("start-up cleanup: {Staged} staged parts, {Temporary} temporary blobs and {Orphans} uncommitted blobs deleted", staged, temporary, orphans);
    }
}
