namespace DicomWeb.Storage.Index;

/// <summary>
/// Serializes index writers when the index is SQLite: it has one writer at a time anyway, and queueing here turns
/// lock contention (SQLITE_BUSY waits) into an orderly queue. Other providers handle concurrent writers themselves,
/// so for them waiting and releasing do nothing. One instance per application, shared by every writer.
/// </summary>
public sealed class IndexWriteLock
{
    private readonly SemaphoreSlim? _semaphore;

    /// <summary>Creates the lock for the configured index provider.</summary>
    public IndexWriteLock(StorageOptions options) =>
        _semaphore = options.Provider == IndexProvider.Sqlite ? new SemaphoreSlim(1, 1) : null;

    /// <summary>Waits until this caller may write to the index; pair with <see cref="Release"/>.</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => _semaphore?.WaitAsync(cancellationToken) ?? Task.CompletedTask;

    /// <summary>Lets the next writer in.</summary>
    public void Release() => _semaphore?.Release();
}
