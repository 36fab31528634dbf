namespace DicomWeb.Dicom;

/// <summary>Something that can hand back byte ranges of the stream a data set was read from.</summary>
public interface IDicomBulkDataSource
{
    /// <summary>Opens a stream over <paramref name="length"/> bytes starting at <paramref name="offset"/>.</summary>
    Stream OpenRange(long offset, long length);
}

/// <summary>A source over a file on disk; opens a new handle per read so references stay valid after parsing.</summary>
public sealed class DicomFileBulkDataSource(string path) : IDicomBulkDataSource
{
    /// <summary>The file path.</summary>
    public string Path { get; } = path;

    /// <inheritdoc />
    public Stream OpenRange(long offset, long length)
    {
        var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.RandomAccess);
        stream.Position = offset;
        return new BoundedReadStream(stream, length, ownsInner: true);
    }
}

/// <summary>A value left in its source because it was larger than the reader's bulk data threshold.</summary>
/// <param name="Source">Where to read it again; null when the source could not be re-read (a forward-only stream).</param>
/// <param name="Offset">Offset of the first value byte in the source.</param>
/// <param name="Length">Value length in bytes.</param>
/// <param name="SwapUnit">When the source is big endian, the unit (2, 4 or 8) in which bytes must be swapped to little endian; 0 or 1 otherwise.</param>
public sealed record DicomBulkDataReference(IDicomBulkDataSource? Source, long Offset, long Length, int SwapUnit = 0)
{
    /// <summary>Opens the value as a stream of little-endian bytes.</summary>
    public Stream Open()
    {
        if (Source is null) throw new InvalidOperationException("The value was read from a forward-only stream and cannot be read again.");
        if (SwapUnit <= 1) return Source.OpenRange(Offset, Length);
        var bytes = ReadAll();
        return new MemoryStream(bytes.ToArray(), writable: false);
    }

    /// <summary>Reads the whole value into memory (little endian).</summary>
    public ReadOnlyMemory<byte> ReadAll()
    {
        if (Source is null) throw new InvalidOperationException("The value was read from a forward-only stream and cannot be read again.");
        var buffer = new byte[Length];
        using (var stream = Source.OpenRange(Offset, Length)) stream.ReadExactly(buffer);
        if (SwapUnit > 1) ByteSwap.InPlace(buffer, SwapUnit);
        return buffer;
    }
}

/// <summary>A read-only view of the next N bytes of another stream.</summary>
public sealed class BoundedReadStream(Stream inner, long length, bool ownsInner) : ReadOnlyStream
{
    private readonly long _length = length;
    private long _remaining = length;

    /// <inheritdoc />
    public override long Length => _length;
    /// <inheritdoc />
    public override long Position { get => _length - _remaining; set => throw new NotSupportedException(); }
    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        if (_remaining <= 0) return 0;
        if (buffer.Length > _remaining) buffer = buffer[..(int)_remaining];
        var n = inner.Read(buffer);
        _remaining -= n;
        return n;
    }
    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_remaining <= 0) return 0;
        if (buffer.Length > _remaining) buffer = buffer[..(int)_remaining];
        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        _remaining -= n;
        return n;
    }
    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && ownsInner) inner.Dispose();
        base.Dispose(disposing);
    }
}
