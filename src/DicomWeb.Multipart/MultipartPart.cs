namespace DicomWeb.Multipart;

/// <summary>One part of a multipart body: its headers and a stream over its body.</summary>
public sealed class MultipartPart
{
    internal MultipartPart(IReadOnlyDictionary<string, string> headers, Stream body)
    {
        Headers = headers;
        Body = body;
    }

    /// <summary>
    /// The part's header fields. Names are case-insensitive; repeated fields are joined with ", ",
    /// folded lines are unfolded. Empty for a part without headers.
    /// </summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The Content-Type header, or <see langword="null"/> (the default type is the caller's business).</summary>
    public string? ContentType => Headers.TryGetValue("Content-Type", out string? value) ? value : null;

    /// <summary>The Content-Location header, or <see langword="null"/>.</summary>
    public string? ContentLocation => Headers.TryGetValue("Content-Location", out string? value) ? value : null;

    /// <summary>
    /// Streams the part's bytes up to the next boundary delimiter; forward-only, not seekable.
    /// Reading fails with <see cref="MultipartFormatException"/> if the multipart body ends before the delimiter.
    /// Reading the next part skips what is left unread; the stream then reads as ended.
    /// </summary>
    public Stream Body { get; }
}
