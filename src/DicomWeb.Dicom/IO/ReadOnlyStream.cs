namespace DicomWeb.Dicom;

/// <summary>
/// Base of the forward-only, read-only streams this code base hands around (ranges of files, inflaters,
/// concatenations): everything but reading is unsupported, so subclasses only implement <see cref="Read(Span{byte})"/>
/// (and <see cref="Stream.ReadAsync(Memory{byte}, CancellationToken)"/> where they have real asynchronous I/O).
/// </summary>
public abstract class ReadOnlyStream : Stream
{
    /// <inheritdoc />
    public override bool CanRead => true;
    /// <inheritdoc />
    public override bool CanSeek => false;
    /// <inheritdoc />
    public override bool CanWrite => false;
    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();
    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    /// <inheritdoc />
    public override void Flush() { }
    /// <inheritdoc />
    public abstract override int Read(Span<byte> buffer);
    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();
    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
