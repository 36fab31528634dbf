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

    /// <summary>
    /// Stages what <paramref name="write"/> writes (e.g. a Part 10 file built from STOW metadata) straight into a new
    /// staged file, hashing it on the way, so it is written once. The file is deleted if writing fails.
    /// </summary>
    public async Task<StagedFile> StageAsync(Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var path = NewPath(".dcm");
        try
        {
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
            await using var hashing = new HashingWriteStream(file);
            await write(hashing, cancellationToken);
            if (_flushToDisk) file.Flush(flushToDisk: true);
            return new StagedFile(path, hashing.Length, hashing.Sha256());
        }
        catch
        {
            File.Delete(path);
            throw;
        }
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

/// <summary>Passes writes through to a file while hashing them and counting their length.</summary>
internal sealed class HashingWriteStream(Stream inner) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _length;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _length;
    public override long Position { get => _length; set => throw new NotSupportedException(); }

    public string Sha256() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _hash.AppendData(buffer);
        inner.Write(buffer);
        _length += buffer.Length;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _hash.AppendData(buffer.Span);
        await inner.WriteAsync(buffer, cancellationToken);
        _length += buffer.Length;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _hash.Dispose();
        base.Dispose(disposing);
    }
}
