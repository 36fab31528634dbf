using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;

namespace DicomWeb.Server.Wado;

/// <summary>
/// Copies stored DICOM JSON while turning its relative BulkDataURIs (<c>"BulkDataURI":"studies/…</c>) into absolute
/// URLs, without parsing the JSON. The match is unambiguous in the compact output of the metadata writer: inside a JSON
/// string every quote is escaped, so <c>BulkDataURI":</c> with a bare quote and colon can only be an object key.
/// </summary>
internal sealed class BulkDataUriRewriter
{
    private const int ChunkSize = 64 * 1024;
    private static readonly byte[] Key = "\"BulkDataURI\":\""u8.ToArray();
    private static readonly byte[] Pattern = "\"BulkDataURI\":\"studies/"u8.ToArray();
    private readonly byte[] _insert;

    /// <summary>Creates a rewriter that puts <paramref name="baseUrl"/> and a slash in front of each relative URI.</summary>
    public BulkDataUriRewriter(string baseUrl)
    {
        // The base URL goes inside a JSON string: escape it as the writer would.
        _insert = Encoding.UTF8.GetBytes(JavaScriptEncoder.UnsafeRelaxedJsonEscaping.Encode(baseUrl.TrimEnd('/') + "/"));
    }

    /// <summary>Copies <paramref name="source"/> to <paramref name="destination"/>, rewriting as it goes.</summary>
    public async Task CopyAsync(Stream source, Stream destination, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize + Pattern.Length);
        try
        {
            var carry = 0;
            while (true)
            {
                var read = await source.ReadAsync(buffer.AsMemory(carry, ChunkSize), cancellationToken);
                var total = carry + read;
                if (read == 0)
                {
                    if (total > 0) await destination.WriteAsync(buffer.AsMemory(0, total), cancellationToken);
                    return;
                }
                var position = 0;
                while (true)
                {
                    var found = buffer.AsSpan(position, total - position).IndexOf(Pattern);
                    if (found < 0) break;
                    var keyEnd = position + found + Key.Length;
                    await destination.WriteAsync(buffer.AsMemory(position, keyEnd - position), cancellationToken);
                    await destination.WriteAsync(_insert, cancellationToken);
                    position = keyEnd;
                }
                // The last bytes may begin a match that the next chunk completes: keep them.
                var keep = Math.Min(Pattern.Length - 1, total - position);
                if (total - keep > position) await destination.WriteAsync(buffer.AsMemory(position, total - keep - position), cancellationToken);
                buffer.AsSpan(total - keep, keep).CopyTo(buffer);
                carry = keep;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
