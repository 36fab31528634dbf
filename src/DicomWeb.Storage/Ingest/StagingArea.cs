using System.Buffers;
using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;

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
    /// Copies <paramref name="content"/> to a new staged file in one pass: hashed as it is written (XXH3 keeps up with
    /// memory, so inline), its first bytes kept in memory for the header parse. Every <see cref="FlushEvery"/> bytes a
    /// flush of what is written so far starts in the background, so that the last one has little left. When flushing
    /// is configured, the writeback of the rest starts at the end without waiting; <see cref="StagedFile.FlushAsync"/>
    /// finishes it. The file is deleted if the copy fails (a truncated part, a full disk).
    /// </summary>
    public async Task<StagedFile> StageAsync(Stream content, CancellationToken cancellationToken)
    {
        var path = NewPath(".dcm");
        var hash = ContentHash.Create();
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        var head = ArrayPool<byte>.Shared.Rent(StagedFile.HeadSize);
        var headLength = 0;
        long length = 0;
        long flushedFrom = 0;
        Task flushing = Task.CompletedTask;
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        try
        {
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(0, CopyBufferSize), cancellationToken)) > 0)
            {
                var chunk = buffer.AsSpan(0, read);
                if (headLength < StagedFile.HeadSize)
                {
                    var n = Math.Min(read, StagedFile.HeadSize - headLength);
                    chunk[..n].CopyTo(head.AsSpan(headLength));
                    headLength += n;
                }
                // Synchronous: a write into the page cache takes microseconds; an asynchronous one only adds a thread-pool hop.
                RandomAccess.Write(handle, chunk, length);
                length += read;
                hash.Append(chunk);
                if (_flushToDisk && length - flushedFrom >= FlushEvery && flushing.IsCompleted)
                {
                    await flushing;
                    flushedFrom = length;
                    flushing = Task.Run(() => RandomAccess.FlushToDisk(handle), CancellationToken.None);
                }
            }
        }
        catch
        {
            await WaitQuietly(flushing);
            handle.Dispose();
            File.Delete(path);
            ArrayPool<byte>.Shared.Return(head);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        var contentHash = ContentHash.Format(hash);
        if (!_flushToDisk)
        {
            handle.Dispose();
            return new StagedFile(path, length, contentHash, head, headLength, null, Task.CompletedTask);
        }
        // The data goes to disk while the header is parsed; the fsync comes later, once the file has its final name,
        // so that one journal commit makes both the data and the name durable.
        FileWriteback.Start(handle);
        return new StagedFile(path, length, contentHash, head, headLength, handle, flushing);
    }

    /// <summary>How many bytes a background flush may leave behind while a part is still arriving.</summary>
    internal const long FlushEvery = 8 * 1024 * 1024;

    /// <summary>Waits for a flush whose failure no longer matters (the file is being deleted, or the failure was seen).</summary>
    internal static async Task WaitQuietly(Task task)
    {
        try
        {
            await task;
        }
        catch (IOException)
        {
            // The staged file is being deleted; a failed flush of it no longer matters.
        }
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
            long length;
            string contentHash;
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            await using (var hashing = new HashingWriteStream(file))
            {
                await write(hashing, cancellationToken);
                length = hashing.Length;
                contentHash = hashing.ContentHash();
            }
            if (!_flushToDisk) return new StagedFile(path, length, contentHash, null, 0, null, Task.CompletedTask);
            // As for received parts: the fsync follows the move into place (StagedFile.FlushAsync), so it covers the name too.
            var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            FileWriteback.Start(handle);
            return new StagedFile(path, length, contentHash, null, 0, handle, Task.CompletedTask);
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

/// <summary>
/// A staged part: a file in the staging folder, its hash, and its first bytes in memory. Disposing it waits for
/// any flush, closes the file, returns the memory and deletes the file unless it was moved into the blob store.
/// </summary>
public sealed class StagedFile : IAsyncDisposable
{
    /// <summary>How many leading bytes stay in memory: enough for the header of most instances.</summary>
    internal const int HeadSize = 64 * 1024;

    private byte[]? _head;
    private readonly int _headLength;
    private readonly SafeFileHandle? _handle;
    private readonly Task _earlierFlush;
    private Task? _flush;

    /// <param name="path">The staged file.</param>
    /// <param name="length">Its size.</param>
    /// <param name="contentHash">Its <see cref="Ingest.ContentHash"/>.</param>
    /// <param name="head">Its first bytes (pooled; returned on dispose), or null.</param>
    /// <param name="headLength">How many bytes <paramref name="head"/> holds.</param>
    /// <param name="handle">The open file when it still has to be flushed to disk; null when it needs no flush.</param>
    /// <param name="earlierFlush">A flush of the first bytes still running, which the final flush waits for.</param>
    internal StagedFile(string path, long length, string contentHash, byte[]? head, int headLength, SafeFileHandle? handle, Task earlierFlush)
    {
        Path = path;
        Length = length;
        ContentHash = contentHash;
        _head = head;
        _headLength = headLength;
        _handle = handle;
        _earlierFlush = earlierFlush;
    }

    /// <summary>Its local path when staged (it keeps its open handle when moved: the flush follows it).</summary>
    public string Path { get; }

    /// <summary>Its size in bytes.</summary>
    public long Length { get; }

    /// <summary>Its <see cref="Ingest.ContentHash"/>.</summary>
    public string ContentHash { get; }

    /// <summary>
    /// Flushes the file to disk on another thread (at once when the staging area does not flush); later calls return
    /// the same task. Called after the file was moved into place, the same flush makes its new name durable too.
    /// </summary>
    public Task FlushAsync() => _flush ??= _handle == null ? Task.CompletedTask : FlushToDiskAsync(_handle);

    private async Task FlushToDiskAsync(SafeFileHandle handle)
    {
        await _earlierFlush;
        await Task.Run(() => RandomAccess.FlushToDisk(handle));
    }

    /// <summary>A seekable stream over the file that serves the bytes kept in memory without reading the file.</summary>
    public Stream OpenRead() => new StagedReadStream(Path, Length, _head, _headLength);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // Whoever needed a flush awaited it and saw its failure; here the handle only has to be free to close.
        await StagingArea.WaitQuietly(_flush ?? Task.CompletedTask);
        await StagingArea.WaitQuietly(_earlierFlush);
        _handle?.Dispose();
        if (_head != null) ArrayPool<byte>.Shared.Return(_head);
        _head = null;
        File.Delete(Path);
    }
}

/// <summary>Reads a staged file: the first bytes from memory, the rest from the file, opened only when needed.</summary>
internal sealed class StagedReadStream(string path, long length, byte[]? head, int headLength) : Stream
{
    private FileStream? _file;
    private long _position;

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get => _position; set => _position = value; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_position >= length || buffer.IsEmpty) return 0;
        if (head != null && _position < headLength)
        {
            var n = (int)Math.Min(buffer.Length, headLength - _position);
            head.AsSpan((int)_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }
        _file ??= new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        _file.Position = _position;
        var read = _file.Read(buffer);
        _position += read;
        return read;
    }

    public override long Seek(long offset, SeekOrigin origin) => _position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _file?.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>Passes writes through to a file while hashing them and counting their length.</summary>
internal sealed class HashingWriteStream(Stream inner) : Stream
{
    private readonly NonCryptographicHashAlgorithm _hash = Ingest.ContentHash.Create();
    private long _length;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _length;
    public override long Position { get => _length; set => throw new NotSupportedException(); }

    public string ContentHash() => Ingest.ContentHash.Format(_hash);

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _hash.Append(buffer);
        inner.Write(buffer);
        _length += buffer.Length;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _hash.Append(buffer.Span);
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
}
