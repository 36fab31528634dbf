using Microsoft.Win32.SafeHandles;

namespace DicomWeb.Dicom.IO;

/// <summary>
/// A read-only stream over a file handle that reads at explicit offsets (<see cref="RandomAccess"/>): no buffer and
/// none of a <see cref="FileStream"/>'s layers. Does not own the handle.
/// </summary>
/// <remarks>
/// Whether the file can seek (a regular file, not a pipe such as /dev/stdin) is found out only when first asked or when
/// a read at an offset is refused: asking costs a system call, and a header parse usually never asks.
/// </remarks>
internal sealed class FileHandleStream(SafeFileHandle handle) : ReadOnlyStream
{
    private long _position;
    private long _length = -1;
    private bool? _canSeek;
    // For a file that cannot seek: read in order through a stream over the same handle.
    private FileStream? _sequential;

    /// <inheritdoc />
    public override bool CanSeek => _canSeek ??= ProbeLength();

    /// <inheritdoc />
    public override long Length => CanSeek ? _length : throw new NotSupportedException("The file cannot seek.");

    /// <inheritdoc />
    public override long Position
    {
        get => _position;
        set
        {
            if (!CanSeek) throw new NotSupportedException("The file cannot seek.");
            _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
        }
    }

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        int n;
        if (_sequential is null && _canSeek != false)
        {
            try
            {
                n = RandomAccess.Read(handle, buffer, _position);
                _position += n;
                return n;
            }
            catch (NotSupportedException)
            {
                // A pipe: refused before anything was read, so reading on in order loses nothing.
                _canSeek = false;
            }
        }
        _sequential ??= new FileStream(handle, FileAccess.Read, 1);
        n = _sequential.Read(buffer);
        _position += n;
        return n;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) _sequential?.Dispose();
        base.Dispose(disposing);
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        SeekOrigin.End => Length + offset,
        _ => throw new ArgumentOutOfRangeException(nameof(origin)),
    };

    private bool ProbeLength()
    {
        try
        {
            // The handle caches the length of a file opened without write sharing: later asks cost nothing.
            _length = RandomAccess.GetLength(handle);
            return true;
        }
        catch (NotSupportedException)
        {
            return false;
        }
    }
}
