using System.Security.Cryptography;

namespace DicomWeb.Storage.Ingest;

/// <summary>
/// Local scratch files for incoming parts, in the data folder so that moving one into the blob store is a rename.
/// Whatever is here at start-up belongs to requests that never finished and is deleted.
/// </summary>
public sealed class StagingArea
{
    private const int CopyBufferSize = 128 * 1024;

    private readonly bool _flushToDisk;

    /// <summary>Creates the staging folder under <paramref name="dataPath"/>; staged files are fsynced when <paramref name="flushToDisk"/>.</summary>
    public StagingArea(string dataPath, bool flushToDisk = true)
    {
        _flushToDisk = flushToDisk;
        Folder = Path.Combine(dataPath, "staging");
        Directory.CreateDirectory(Folder);
    }

    /// <summary>The staging folder.</summary>
    public string Folder { get; }

    /// <summary>A new unique file path in the staging folder.</summary>
    public string NewPath(string extension) => Path.Combine(Folder, Guid.NewGuid().ToString("N") + extension);

    /// <summary>
    /// Copies <paramref name="content"/> to a new staged file (flushed to disk if configured), hashing it on the way.
    /// The file is deleted if the copy fails (a truncated part, a full disk).
    /// </summary>
    public async Task<StagedFile> StageAsync(Stream content, CancellationToken cancellationToken)
    {
        var path = NewPath(".dcm");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        long length = 0;
        try
        {
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(0, CopyBufferSize), cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                length += read;
            }
            if (_flushToDisk) file.Flush(flushToDisk: true);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
        return new StagedFile(path, length, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    /// <summary>Deletes leftovers of requests that never finished; returns how many.</summary>
    public int DeleteLeftovers()
    {
        var count = 0;
        foreach (var file in Directory.EnumerateFiles(Folder))
        {
            File.Delete(file);
            count++;
        }
        return count;
    }
}

/// <summary>A staged part.</summary>
/// <param name="Path">Its local path.</param>
/// <param name="Length">Its size in bytes.</param>
/// <param name="Sha256">Its SHA-256, lower-case hex.</param>
public sealed record StagedFile(string Path, long Length, string Sha256);
