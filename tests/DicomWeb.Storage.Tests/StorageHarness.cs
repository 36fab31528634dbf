using DicomWeb.Storage.Blobs;
using DicomWeb.Storage.Deletion;
using DicomWeb.Storage.Index;
using DicomWeb.Storage.Ingest;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DicomWeb.Storage.Tests;

/// <summary>Real storage (file system + SQLite) in a fresh temporary data folder.</summary>
internal sealed class StorageHarness : IAsyncDisposable
{
    private ServiceProvider _services;

    private readonly string? _database;

    private StorageHarness(string root, StorageOptions options, string? database = null)
    {
        Root = root;
        Options = options;
        _database = database;
        _services = Build(options);
    }

    public string Root { get; }
    public StorageOptions Options { get; }
    public InstanceStore Store => _services.GetRequiredService<InstanceStore>();
    public IBlobStore Blobs => _services.GetRequiredService<IBlobStore>();
    public FileSystemBlobStore Files => _services.GetRequiredService<FileSystemBlobStore>();
    public CommitJournal Journal => _services.GetRequiredService<CommitJournal>();
    public IndexWriteLock WriteLock => _services.GetRequiredService<IndexWriteLock>();
    public InstanceDeletion Deletion => _services.GetRequiredService<InstanceDeletion>();

    public static async Task<StorageHarness> StartAsync(DuplicatePolicy policy = DuplicatePolicy.Reject)
    {
        var root = Path.Combine(Path.GetTempPath(), "dicomweb-storage-" + Guid.NewGuid().ToString("N"));
        var harness = new StorageHarness(root, new StorageOptions { Path = root, DuplicatePolicy = policy });
        await harness._services.InitializeDicomStorageAsync();
        return harness;
    }

    /// <summary>Stops and starts the services over the same data folder, as a process restart would.</summary>
    public async Task RestartAsync()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _services = Build(Options);
        await _services.InitializeDicomStorageAsync();
    }

    /// <summary>The same, with the index in a new PostgreSQL database (dropped at the end); see <see cref="PostgresFactAttribute"/>.</summary>
    public static async Task<StorageHarness> StartOnPostgresAsync(DuplicatePolicy policy = DuplicatePolicy.Reject)
    {
        var root = Path.Combine(Path.GetTempPath(), "dicomweb-storage-" + Guid.NewGuid().ToString("N"));
        var database = "dicomweb_test_" + Guid.NewGuid().ToString("N");
        await PostgresFactAttribute.ExecuteAsync($"CREATE DATABASE {database}");
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(PostgresFactAttribute.ConnectionString) { Database = database }.ConnectionString;
        var harness = new StorageHarness(root, new StorageOptions { Path = root, DuplicatePolicy = policy, Provider = IndexProvider.PostgreSql, ConnectionString = connection }, database);
        await harness._services.InitializeDicomStorageAsync();
        return harness;
    }

    public DicomIndexContext OpenIndex() => _services.GetRequiredService<IDbContextFactory<DicomIndexContext>>().CreateDbContext();

    public async Task<StoreOutcome> StoreFileAsync(string path, string? requiredStudy = null)
    {
        await using var stream = File.OpenRead(path);
        return await Store.StoreAsync(stream, requiredStudy);
    }

    /// <summary>Every file under the blob root except temporary ones.</summary>
    public string[] BlobFiles() =>
        Directory.GetFiles(Path.Combine(Root, "blobs"), "*", SearchOption.AllDirectories).Where(f => !f.Contains("/.tmp/")).Order().ToArray();

    private static ServiceProvider Build(StorageOptions options) =>
        new ServiceCollection().AddLogging().AddDicomStorage(options).BuildServiceProvider();

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_database != null)
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            await PostgresFactAttribute.ExecuteAsync($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)");
        }
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
