using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;

namespace DicomWeb.Multipart;

/// <summary>
/// Writes a multipart/related body (e.g. a WADO-RS response) part by part to a pipe or stream,
/// streaming each part's content through pooled buffers.
/// </summary>
/// <remarks>
/// Call <see cref="CompleteAsync"/> to write the close delimiter; a writer disposed without it leaves
/// the body truncated on purpose, so that a reader can tell a failed response from a complete one.
/// Instances are not thread-safe.
/// </remarks>
public sealed class MultipartRelatedWriter : IAsyncDisposable
{
    /// <summary>Longest boundary that may be given (RFC 2046).</summary>
    public const int MaxBoundaryLength = 70;

    private const int CopyChunkSize = 64 * 1024;

    private readonly PipeWriter _writer;
    private readonly bool _ownsWriter;
    private readonly byte[] _dashBoundary;
    private bool _anyPart;
    private bool _completed;
    private bool _disposed;

    /// <summary>Creates a writer to a stream. The stream is flushed but not disposed by the writer.</summary>
    /// <param name="output">Where the body is written.</param>
    /// <param name="boundary">The boundary; a random one when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The boundary is not a valid RFC 2046 boundary.</exception>
    public MultipartRelatedWriter(Stream output, string? boundary = null)
        : this(
            PipeWriter.Create(
                output ?? throw new ArgumentNullException(nameof(output)),
                new StreamPipeWriterOptions(minimumBufferSize: CopyChunkSize, leaveOpen: true)),
            boundary,
            ownsWriter: true)
    {
    }

    /// <summary>Creates a writer to a pipe, e.g. <c>HttpResponse.BodyWriter</c>. The pipe is flushed but not completed by the writer.</summary>
    /// <param name="output">Where the body is written.</param>
    /// <param name="boundary">The boundary; a random one when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The boundary is not a valid RFC 2046 boundary.</exception>
    public MultipartRelatedWriter(PipeWriter output, string? boundary = null)
        : this(output, boundary, ownsWriter: false)
    {
    }

    private MultipartRelatedWriter(PipeWriter output, string? boundary, bool ownsWriter)
    {
        ArgumentNullException.ThrowIfNull(output);
        boundary ??= "DicomWeb-" + RandomNumberGenerator.GetHexString(32, lowercase: true);
        if (!IsValidBoundary(boundary))
        {
            throw new ArgumentException(
                $"Invalid multipart boundary '{boundary}': it must be 1 to {MaxBoundaryLength} RFC 2046 boundary characters, not ending with a space.",
                nameof(boundary));
        }

        _writer = output;
        _ownsWriter = ownsWriter;
        Boundary = boundary;
        _dashBoundary = Encoding.ASCII.GetBytes("--" + boundary);
    }

    /// <summary>The boundary between parts.</summary>
    public string Boundary { get; }

    /// <summary>
    /// The Content-Type of the whole body, e.g. <c>multipart/related; type="application/dicom"; boundary=...</c>.
    /// </summary>
    /// <param name="type">The media type of the root part (the <c>type</c> parameter).</param>
    /// <param name="transferSyntax">An optional <c>transfer-syntax</c> parameter.</param>
    /// <returns>The header value.</returns>
    public string ContentType(string type, string? transferSyntax = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        var sb = new StringBuilder("multipart/related; type=");
        AppendQuoted(sb, type);
        if (transferSyntax is not null)
        {
            sb.Append("; transfer-syntax=").Append(transferSyntax);
        }

        sb.Append("; boundary=");
        if (Boundary.AsSpan().ContainsAny(BoundaryNeedsQuotes))
        {
            AppendQuoted(sb, Boundary);
        }
        else
        {
            sb.Append(Boundary);
        }

        return sb.ToString();
    }

    /// <summary>Writes one part whose content is read from a stream to its end.</summary>
    /// <param name="contentType">The part's Content-Type, or <see langword="null"/> to write none.</param>
    /// <param name="content">The part's bytes; read to the end, not disposed.</param>
    /// <param name="headers">Further header fields, e.g. Content-Location.</param>
    /// <param name="ct">Cancels the write.</param>
    /// <returns>A task completed when the part has been written and flushed.</returns>
    public async ValueTask WritePartAsync(string? contentType, Stream content, IEnumerable<KeyValuePair<string, string>>? headers = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        WritePartHeader(contentType, headers);
        while (true)
        {
            Memory<byte> memory = _writer.GetMemory(CopyChunkSize);
            int n = await content.ReadAsync(memory, ct).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            _writer.Advance(n);
            await FlushAsync(ct).ConfigureAwait(false);
        }

        await FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Writes one part whose content is in memory.</summary>
    /// <param name="contentType">The part's Content-Type, or <see langword="null"/> to write none.</param>
    /// <param name="content">The part's bytes.</param>
    /// <param name="headers">Further header fields, e.g. Content-Location.</param>
    /// <param name="ct">Cancels the write.</param>
    /// <returns>A task completed when the part has been written and flushed.</returns>
    public async ValueTask WritePartAsync(string? contentType, ReadOnlyMemory<byte> content, IEnumerable<KeyValuePair<string, string>>? headers = null, CancellationToken ct = default)
    {
        WritePartHeader(contentType, headers);
        _writer.Write(content.Span);
        await FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Writes the close delimiter and flushes. Parts can no longer be written.</summary>
    /// <param name="ct">Cancels the write.</param>
    /// <returns>A task completed when the close delimiter has been flushed.</returns>
    public async ValueTask CompleteAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            return;
        }

        _completed = true;
        if (_anyPart)
        {
            WriteBytes("\r\n"u8);
        }

        WriteBytes(_dashBoundary);
        WriteBytes("--\r\n"u8);
        await FlushAsync(ct).ConfigureAwait(false);
        if (_ownsWriter)
        {
            _disposed = true;
            await _writer.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Releases the writer. Does not write the close delimiter: call <see cref="CompleteAsync"/> first
    /// for a complete body. Completes the internal pipe of the <see cref="Stream"/> overload (flushing it).
    /// </summary>
    /// <returns>A task completed when the writer has been released.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_ownsWriter)
        {
            await _writer.CompleteAsync().ConfigureAwait(false);
        }
    }

    private void WritePartHeader(string? contentType, IEnumerable<KeyValuePair<string, string>>? headers)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            throw new InvalidOperationException("The multipart body has already been completed.");
        }

        // Validate everything before writing anything, so a bad header does not leave half a part behind.
        if (contentType is not null)
        {
            ValidateHeader("Content-Type", contentType);
        }

        List<KeyValuePair<string, string>>? extra = null;
        if (headers is not null)
        {
            extra = new List<KeyValuePair<string, string>>(headers);
            foreach (KeyValuePair<string, string> header in extra)
            {
                ValidateHeader(header.Key, header.Value);
            }
        }

        if (_anyPart)
        {
            WriteBytes("\r\n"u8);
        }

        _anyPart = true;
        WriteBytes(_dashBoundary);
        WriteBytes("\r\n"u8);
        if (contentType is not null)
        {
            WriteHeaderField("Content-Type", contentType);
        }

        if (extra is not null)
        {
            foreach (KeyValuePair<string, string> header in extra)
            {
                WriteHeaderField(header.Key, header.Value);
            }
        }

        WriteBytes("\r\n"u8);
    }

    private void WriteHeaderField(string name, string value)
    {
        Encoding.ASCII.GetBytes(name, _writer);
        WriteBytes(": "u8);
        Encoding.UTF8.GetBytes(value, _writer);
        WriteBytes("\r\n"u8);
    }

    private void WriteBytes(ReadOnlySpan<byte> bytes) => _writer.Write(bytes);

    private async ValueTask FlushAsync(CancellationToken ct)
    {
        FlushResult result = await _writer.FlushAsync(ct).ConfigureAwait(false);
        if (result.IsCanceled)
        {
            throw new OperationCanceledException("The multipart write was canceled.");
        }

        if (result.IsCompleted)
        {
            throw new IOException("The multipart output was closed by its reader.");
        }
    }

    private static void ValidateHeader(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (name.Length == 0 || name.AsSpan().ContainsAnyExcept(TokenChars))
        {
            throw new ArgumentException($"Invalid header name '{name}'.", nameof(name));
        }

        if (value.AsSpan().ContainsAny('\r', '\n', '\0'))
        {
            throw new ArgumentException($"The value of header '{name}' contains a line break.", nameof(value));
        }
    }

    private static bool IsValidBoundary(string boundary) =>
        boundary.Length is > 0 and <= MaxBoundaryLength
        && !boundary.AsSpan().ContainsAnyExcept(BoundaryChars)
        && boundary[^1] != ' ';

    private static void AppendQuoted(StringBuilder sb, string value)
    {
        sb.Append('"');
        foreach (char c in value)
        {
            if (c is '"' or '\\')
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        sb.Append('"');
    }

    private static readonly SearchValues<char> TokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    // RFC 2046 bchars.
    private static readonly SearchValues<char> BoundaryChars =
        SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'()+_,-./:=? ");

    // RFC 2045 tspecials and space: such a boundary must be quoted in the Content-Type parameter.
    private static readonly SearchValues<char> BoundaryNeedsQuotes = SearchValues.Create("()<>@,;:\\\"/[]?= ");
}
