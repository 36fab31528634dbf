namespace DicomWeb.Storage.Blobs;

/// <summary>
/// Blobs as files under a root folder. Every object reaches its key by an atomic rename, so no reader sees half a file:
/// <see cref="PutAsync"/> writes a temporary file in the same file system, flushes it, then renames it; with
/// <see cref="PutFileAsync"/> the caller wrote (and flushes, before or after the rename) the file that is renamed.
/// </summary>
public sealed class FileSystemBlobStore : IBlobStore
{
    private const int CopyBufferSize = 128 * 1024;
    private readonly string _root;
    private readonly string _temporary;

    /// <summary>Creates a store rooted at <paramref name="root"/> (created when missing).</summary>
    public FileSystemBlobStore(string root)
    {
        _root = Path.GetFullPath(root);
        _temporary = Path.Combine(_root, ".tmp");
        Directory.CreateDirectory(_temporary);
    }

    /// <summary>Deletes temporary files left by writes that never finished (a crash or a kill).</summary>
    public int DeleteLeftovers()
    {
        var count = 0;
        foreach (var file in Directory.EnumerateFiles(_temporary))
        {
            File.Delete(file);
            count++;
        }
        return count;
    }

    /// <inheritdoc />
    public async Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        var target = PathOf(key);
        var temporary = Path.Combine(_temporary, Guid.NewGuid().ToString("N"));
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                await content.CopyToAsync(file, CopyBufferSize, cancellationToken);
                file.Flush(flushToDisk: true);
            }
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(temporary, target, overwrite: false);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <inheritdoc />
    public Task PutFileAsync(string key, string localPath, CancellationToken cancellationToken = default)
    {
        var target = PathOf(key);
        // Staged files live on the same file system, so this is a rename; the caller flushes the file (before or after).
        // The folder of a series usually exists already: it is created only when the rename says it is missing.
        try
        {
            File.Move(localPath, target, overwrite: false);
        }
        catch (DirectoryNotFoundException) when (File.Exists(localPath))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(localPath, target, overwrite: false);
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        try
        {
            Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            return Task.FromResult<Stream?>(stream);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        if (!File.Exists(path)) return Task.FromResult(false);
        File.Delete(path);
        return Task.FromResult(true);
    }

    /// <summary>The file path of a key; keys are validated so that none escapes the root.</summary>
    public string PathOf(string key)
    {
        if (!BlobKeys.IsSafe(key)) throw new ArgumentException($"unsafe blob key '{key}'", nameof(key));
        return Path.Combine(_root, key);
    }
}
