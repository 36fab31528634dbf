using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;

namespace DicomWeb.Multipart;

/// <summary>
/// Streaming reader for multipart bodies (RFC 2046), made for multipart/related STOW-RS requests
/// that may be many gigabytes: part bodies are streamed from the underlying pipe and never buffered whole,
/// so memory use does not depend on part size.
/// </summary>
/// <remarks>
/// <para>
/// Tolerates what real clients send: a preamble (often a lone CRLF) before the first delimiter, a first
/// delimiter at the very start without a CRLF, transport padding (spaces, tabs) after a delimiter,
/// a bare LF ending the delimiter line, header names in any case, folded header lines, parts with no headers
/// and empty part bodies. The epilogue after the close delimiter is ignored.
/// </para>
/// <para>
/// A body that ends before the close delimiter is reported with a <see cref="MultipartFormatException"/>
/// from the part body's read (so a truncated last part can be told from a complete one) or from
/// <see cref="ReadNextPartAsync"/>. Instances are not thread-safe: read one part body at a time.
/// </para>
/// </remarks>
public sealed class MultipartRelatedReader
{
    /// <summary>Default for <see cref="HeadersLengthLimit"/>: 16 KiB.</summary>
    public const int DefaultHeadersLengthLimit = 16 * 1024;

    /// <summary>Default for <see cref="HeadersCountLimit"/>.</summary>
    public const int DefaultHeadersCountLimit = 32;

    /// <summary>Longest boundary accepted (RFC 2046 allows 70 characters; some clients send more).</summary>
    public const int MaxBoundaryLength = 256;

    /// <summary>Buffer size used by the <see cref="Stream"/> constructor unless told otherwise.</summary>
    public const int DefaultStreamBufferSize = 64 * 1024;

    private const byte CR = (byte)'\r';
    private const byte LF = (byte)'\n';
    private const byte Dash = (byte)'-';

    private readonly PipeReader _pipe;
    private readonly bool _ownsPipe;
    private readonly string _boundary;

    // CRLF "--" boundary; the dash-boundary is _delimiter[2..].
    private readonly byte[] _delimiter;

    private State _state = State.Preamble;
    private PartBodyStream? _currentBody;
    private int _partCount;

    // Scan state of the current part body, as offsets from the first unconsumed byte of the pipe.
    // Only the body reader consumes while a body is open, so the offsets stay valid between reads.
    private long _delimiterOffset = -1;
    private long _safeBytes;
    private long _partLength;

    private enum State
    {
        Preamble,
        AfterDelimiter,
        Body,
        Finished,
    }

    private enum HeaderStatus
    {
        NeedMore,
        Part,
        Close,
    }

    /// <summary>Creates a reader over a pipe, e.g. <c>HttpRequest.BodyReader</c>. The pipe is not completed by the reader.</summary>
    /// <param name="body">The multipart body.</param>
    /// <param name="boundary">The boundary from the Content-Type header, without quotes or leading dashes.</param>
    /// <exception cref="ArgumentException">The boundary is empty, too long or contains CR or LF.</exception>
    public MultipartRelatedReader(PipeReader body, string boundary)
        : this(body, boundary, ownsPipe: false)
    {
    }

    /// <summary>Creates a reader over a stream. The stream is not disposed by the reader.</summary>
    /// <param name="body">The multipart body.</param>
    /// <param name="boundary">The boundary from the Content-Type header, without quotes or leading dashes.</param>
    /// <param name="bufferSize">Size of the pooled buffers read from the stream.</param>
    /// <exception cref="ArgumentException">The boundary is empty, too long or contains CR or LF.</exception>
    public MultipartRelatedReader(Stream body, string boundary, int bufferSize = DefaultStreamBufferSize)
        : this(
            PipeReader.Create(
                body ?? throw new ArgumentNullException(nameof(body)),
                new StreamPipeReaderOptions(bufferSize: bufferSize, minimumReadSize: Math.Max(1024, bufferSize / 4), leaveOpen: true)),
            boundary,
            ownsPipe: true)
    {
    }

    private MultipartRelatedReader(PipeReader body, string boundary, bool ownsPipe)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(boundary);
        if (boundary.Length == 0 || boundary.Length > MaxBoundaryLength || boundary.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException($"Invalid multipart boundary '{boundary}': it must be 1 to {MaxBoundaryLength} characters without CR or LF.", nameof(boundary));
        }

        _pipe = body;
        _ownsPipe = ownsPipe;
        _boundary = boundary;
        _delimiter = Encoding.UTF8.GetBytes("\r\n--" + boundary);
    }

    /// <summary>Longest header block (padding after the delimiter, header lines and the blank line) accepted per part, in bytes.</summary>
    public int HeadersLengthLimit { get; init; } = DefaultHeadersLengthLimit;

    /// <summary>Most header fields accepted per part.</summary>
    public int HeadersCountLimit { get; init; } = DefaultHeadersCountLimit;

    /// <summary>Longest part body accepted, in bytes; a longer one fails with <see cref="MultipartFormatException"/>.</summary>
    public long PartLengthLimit { get; init; } = long.MaxValue;

    /// <summary>The boundary this reader looks for.</summary>
    public string Boundary => _boundary;

    /// <summary>
    /// Reads up to the next part's body. The unread rest of the previous part's body is skipped first.
    /// </summary>
    /// <param name="ct">Cancels the read.</param>
    /// <returns>The next part, or <see langword="null"/> once the close delimiter has been read.</returns>
    /// <exception cref="MultipartFormatException">The body is malformed or truncated.</exception>
    public async ValueTask<MultipartPart?> ReadNextPartAsync(CancellationToken ct = default)
    {
        switch (_state)
        {
            case State.Finished:
                return null;
            case State.Preamble:
                await SkipPreambleAsync(ct).ConfigureAwait(false);
                break;
            case State.Body:
                PartBodyStream body = _currentBody!;
                while (await ReadBodyAsync(body, Memory<byte>.Empty, skip: true, ct).ConfigureAwait(false) > 0)
                {
                }

                break;
        }

        while (true)
        {
            ReadResult result = await _pipe.ReadAsync(ct).ConfigureAwait(false);
            ThrowIfCanceled(result);
            ReadOnlySequence<byte> buffer = result.Buffer;
            HeaderStatus status;
            SequencePosition consumed;
            Dictionary<string, string>? headers;
            try
            {
                status = TryReadHeaders(buffer, out consumed, out headers);
            }
            catch (MultipartFormatException)
            {
                _pipe.AdvanceTo(buffer.Start);
                throw;
            }

            switch (status)
            {
                case HeaderStatus.Close:
                    _pipe.AdvanceTo(consumed);
                    _state = State.Finished;
                    _currentBody = null;
                    if (_ownsPipe)
                    {
                        await _pipe.CompleteAsync().ConfigureAwait(false);
                    }

                    return null;

                case HeaderStatus.Part:
                    _pipe.AdvanceTo(consumed);
                    _state = State.Body;
                    _delimiterOffset = -1;
                    _safeBytes = 0;
                    _partLength = 0;
                    _partCount++;
                    _currentBody = new PartBodyStream(this, _partCount);
                    return new MultipartPart(headers!, _currentBody);

                default:
                    if (result.IsCompleted)
                    {
                        _pipe.AdvanceTo(buffer.Start, buffer.End);
                        throw new MultipartFormatException(
                            $"Unexpected end of the multipart body after boundary delimiter {_partCount + 1}: the part headers or the close delimiter are missing.");
                    }

                    _pipe.AdvanceTo(buffer.Start, buffer.End);
                    break;
            }
        }
    }

    private async ValueTask SkipPreambleAsync(CancellationToken ct)
    {
        int dashBoundaryLength = _delimiter.Length - 2;
        bool startChecked = false;
        while (true)
        {
            ReadResult result = await _pipe.ReadAsync(ct).ConfigureAwait(false);
            ThrowIfCanceled(result);
            ReadOnlySequence<byte> buffer = result.Buffer;

            if (!startChecked)
            {
                // The first delimiter may be at the very start, without the leading CRLF.
                int n = (int)Math.Min(buffer.Length, dashBoundaryLength);
                bool prefix = StartsWith(buffer, _delimiter.AsSpan(2, n));
                if (prefix && n < dashBoundaryLength && !result.IsCompleted)
                {
                    _pipe.AdvanceTo(buffer.Start, buffer.End);
                    continue;
                }

                startChecked = true;
                if (prefix && n == dashBoundaryLength)
                {
                    _pipe.AdvanceTo(buffer.GetPosition(n));
                    _state = State.AfterDelimiter;
                    return;
                }
            }

            long index = DelimiterSearch.Find(buffer, _delimiter, out long safe);
            if (index >= 0)
            {
                _pipe.AdvanceTo(buffer.GetPosition(index + _delimiter.Length));
                _state = State.AfterDelimiter;
                return;
            }

            if (result.IsCompleted)
            {
                _pipe.AdvanceTo(buffer.End);
                throw new MultipartFormatException($"The multipart body does not contain the boundary '{_boundary}'.");
            }

            _pipe.AdvanceTo(buffer.GetPosition(safe), buffer.End);
        }
    }

    /// <summary>
    /// Parses what follows a delimiter: either "--" (close delimiter) or transport padding, a line break
    /// and the part's header block up to and including its blank line.
    /// </summary>
    private HeaderStatus TryReadHeaders(in ReadOnlySequence<byte> buffer, out SequencePosition consumed, out Dictionary<string, string>? headers)
    {
        headers = null;
        consumed = buffer.Start;
        var reader = new SequenceReader<byte>(buffer);

        if (!reader.TryPeek(out byte b))
        {
            return HeaderStatus.NeedMore;
        }

        if (b == Dash)
        {
            if (!reader.TryPeek(1, out byte b2))
            {
                return HeaderStatus.NeedMore;
            }

            if (b2 != Dash)
            {
                throw new MultipartFormatException($"Unexpected characters after boundary delimiter {_partCount + 1}.");
            }

            // Close delimiter; padding, line break and epilogue are ignored.
            reader.Advance(2);
            consumed = reader.Position;
            return HeaderStatus.Close;
        }

        reader.AdvancePastAny((byte)' ', (byte)'\t');
        if (reader.Consumed > HeadersLengthLimit)
        {
            throw HeadersTooLong();
        }

        if (!reader.TryRead(out b))
        {
            return HeaderStatus.NeedMore;
        }

        if (b == CR)
        {
            if (!reader.TryRead(out b))
            {
                return HeaderStatus.NeedMore;
            }
        }

        if (b != LF)
        {
            throw new MultipartFormatException($"Unexpected characters after boundary delimiter {_partCount + 1}.");
        }

        // First pass: find the blank line that ends the header block without decoding anything.
        SequencePosition headerStart = reader.Position;
        while (true)
        {
            if (!reader.TryReadTo(out ReadOnlySequence<byte> line, LF, advancePastDelimiter: true))
            {
                if (reader.Length > HeadersLengthLimit)
                {
                    throw HeadersTooLong();
                }

                return HeaderStatus.NeedMore;
            }

            if (reader.Consumed > HeadersLengthLimit)
            {
                throw HeadersTooLong();
            }

            if (line.IsEmpty || (line.Length == 1 && line.FirstSpan[0] == CR))
            {
                break;
            }
        }

        consumed = reader.Position;
        headers = ParseHeaderLines(buffer.Slice(headerStart, consumed));
        return HeaderStatus.Part;
    }

    private Dictionary<string, string> ParseHeaderLines(ReadOnlySequence<byte> block)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var reader = new SequenceReader<byte>(block);
        string? lastName = null;
        while (reader.TryReadTo(out ReadOnlySequence<byte> lineBytes, LF))
        {
            string line = Encoding.UTF8.GetString(lineBytes);
            if (line.EndsWith('\r'))
            {
                line = line[..^1];
            }

            if (line.Length == 0)
            {
                break;
            }

            if (line[0] is ' ' or '\t')
            {
                // Obsolete line folding (RFC 5322 / RFC 7230 obs-fold): continue the previous field.
                if (lastName is null)
                {
                    throw new MultipartFormatException($"Invalid header line in part {_partCount + 1}: a continuation line comes first.");
                }

                string more = line.Trim();
                if (more.Length > 0)
                {
                    string value = headers[lastName];
                    headers[lastName] = value.Length == 0 ? more : value + " " + more;
                }

                continue;
            }

            int colon = line.IndexOf(':');
            string name = colon > 0 ? line[..colon].Trim() : string.Empty;
            if (name.Length == 0)
            {
                throw new MultipartFormatException($"Invalid header line in part {_partCount + 1}: '{Truncate(line)}'.");
            }

            string fieldValue = line[(colon + 1)..].Trim();
            if (headers.TryGetValue(name, out string? existing))
            {
                headers[name] = existing + ", " + fieldValue;
            }
            else
            {
                if (headers.Count >= HeadersCountLimit)
                {
                    throw new MultipartFormatException($"Part {_partCount + 1} has more than {HeadersCountLimit} headers.");
                }

                headers.Add(name, fieldValue);
            }

            lastName = name;
        }

        return headers;
    }

    /// <summary>
    /// Reads (or with <paramref name="skip"/> discards) the next bytes of the current part body.
    /// Returns 0 once the delimiter ending the body has been consumed.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    internal async ValueTask<int> ReadBodyAsync(PartBodyStream owner, Memory<byte> destination, bool skip, CancellationToken ct)
    {
        if (!ReferenceEquals(owner, _currentBody) || _state != State.Body || (!skip && destination.IsEmpty))
        {
            return 0;
        }

        while (true)
        {
            ReadResult result = await _pipe.ReadAsync(ct).ConfigureAwait(false);
            ThrowIfCanceled(result);
            ReadOnlySequence<byte> buffer = result.Buffer;

            if (_delimiterOffset < 0 && _safeBytes == 0)
            {
                _delimiterOffset = DelimiterSearch.Find(buffer, _delimiter, out _safeBytes);
            }

            long available = _delimiterOffset >= 0 ? _delimiterOffset : _safeBytes;
            if (available > 0)
            {
                int n = (int)Math.Min(available, skip ? int.MaxValue : destination.Length);
                if (_partLength + n > PartLengthLimit)
                {
                    _pipe.AdvanceTo(buffer.Start);
                    throw new MultipartFormatException($"Part {owner.PartNumber} is longer than the limit of {PartLengthLimit} bytes.");
                }

                ReadOnlySequence<byte> chunk = buffer.Slice(0, n);
                if (!skip)
                {
                    chunk.CopyTo(destination.Span);
                }

                _pipe.AdvanceTo(chunk.End);
                if (_delimiterOffset >= 0)
                {
                    _delimiterOffset -= n;
                }
                else
                {
                    _safeBytes -= n;
                }

                _partLength += n;
                owner.BytesRead += n;
                return n;
            }

            if (_delimiterOffset == 0)
            {
                _pipe.AdvanceTo(buffer.GetPosition(_delimiter.Length));
                _delimiterOffset = -1;
                _state = State.AfterDelimiter;
                return 0;
            }

            if (result.IsCompleted)
            {
                _pipe.AdvanceTo(buffer.Start, buffer.End);
                throw new MultipartFormatException(
                    $"Unexpected end of the multipart body: part {owner.PartNumber} is truncated (no boundary delimiter after its {_partLength + buffer.Length} bytes).");
            }

            _pipe.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static bool StartsWith(in ReadOnlySequence<byte> buffer, ReadOnlySpan<byte> prefix)
    {
        if (buffer.Length < prefix.Length)
        {
            return false;
        }

        if (buffer.FirstSpan.Length >= prefix.Length)
        {
            return buffer.FirstSpan.StartsWith(prefix);
        }

        var reader = new SequenceReader<byte>(buffer);
        return reader.IsNext(prefix);
    }

    private static void ThrowIfCanceled(in ReadResult result)
    {
        if (result.IsCanceled)
        {
            throw new OperationCanceledException("The read of the multipart body was canceled.");
        }
    }

    private MultipartFormatException HeadersTooLong() =>
        new($"The headers of part {_partCount + 1} are longer than the limit of {HeadersLengthLimit} bytes.");

    private static string Truncate(string s) => s.Length <= 100 ? s : s[..100] + "...";
}
