using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace DicomWeb.Cli.Import;

/// <summary>
/// A STOW-RS request body (multipart/related; type="application/dicom") that streams its files from disk into the
/// request: the multipart framing is written around each file as it is copied through one pooled buffer, so a batch
/// of any size costs the same memory. The length is known up front (framing plus file sizes), so the request has a
/// Content-Length rather than chunked encoding.
/// </summary>
public sealed class StowRequestContent : HttpContent
{
    private const int CopyBufferSize = 128 * 1024;
    private readonly IReadOnlyList<ImportFile> _files;
    private readonly byte[] _partHeader;
    private readonly byte[] _firstPartHeader;
    private readonly byte[] _close;
    private readonly Action<long>? _progress;

    /// <summary>Creates the body for <paramref name="files"/>; <paramref name="progress"/> hears of every block of file bytes sent.</summary>
    public StowRequestContent(IReadOnlyList<ImportFile> files, Action<long>? progress = null)
    {
        _files = files;
        _progress = progress;
        var boundary = "dicomweb-import-" + Guid.NewGuid().ToString("N");
        _firstPartHeader = Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Type: application/dicom\r\n\r\n");
        _partHeader = Encoding.ASCII.GetBytes($"\r\n--{boundary}\r\nContent-Type: application/dicom\r\n\r\n");
        _close = Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n");
        Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/related; type=\"application/dicom\"; boundary={boundary}");
    }

    /// <inheritdoc />
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    /// <inheritdoc />
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            for (var i = 0; i < _files.Count; i++)
            {
                await stream.WriteAsync(i == 0 ? _firstPartHeader : _partHeader, cancellationToken);
                await CopyFileAsync(_files[i], stream, buffer, cancellationToken);
            }
            await stream.WriteAsync(_close, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <inheritdoc />
    protected override bool TryComputeLength(out long length)
    {
        length = _firstPartHeader.Length + (long)_partHeader.Length * Math.Max(0, _files.Count - 1) + _close.Length + _files.Sum(f => f.Length);
        return true;
    }

    private async Task CopyFileAsync(ImportFile file, Stream target, byte[] buffer, CancellationToken cancellationToken)
    {
        await using var source = new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        long copied = 0;
        int read;
        while (copied < file.Length && (read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, file.Length - copied)), cancellationToken)) > 0)
        {
            await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            copied += read;
            _progress?.Invoke(read);
        }
        // The Content-Length was promised from the size at scan time.
        if (copied != file.Length || source.Length != file.Length)
            throw new IOException($"{file.Path} changed size while being imported ({file.Length} bytes when found, now {source.Length})");
    }
}
