using System.Buffers;

namespace DicomWeb.Multipart;

/// <summary>
/// Finds a multi-byte delimiter in a <see cref="ReadOnlySequence{T}"/> without copying it,
/// including matches that straddle segment boundaries, and reports how many leading bytes
/// are certainly not the start of a delimiter.
/// </summary>
internal static class DelimiterSearch
{
    private enum Continuation
    {
        Mismatch,
        Full,
        Partial,
    }

    /// <summary>
    /// Searches <paramref name="buffer"/> for <paramref name="delimiter"/>.
    /// </summary>
    /// <param name="buffer">The bytes to search.</param>
    /// <param name="delimiter">The delimiter; never empty.</param>
    /// <param name="safeLength">
    /// When the delimiter is found, its offset. Otherwise the number of leading bytes that
    /// cannot be part of a delimiter even when more data arrives: everything before a trailing
    /// partial match (a proper prefix of the delimiter that runs to the end of the buffer).
    /// </param>
    /// <returns>The offset of the first delimiter, or -1.</returns>
    public static long Find(in ReadOnlySequence<byte> buffer, ReadOnlySpan<byte> delimiter, out long safeLength)
    {
        if (buffer.IsSingleSegment)
        {
            ReadOnlySpan<byte> span = buffer.FirstSpan;
            int index = span.IndexOf(delimiter);
            if (index >= 0)
            {
                safeLength = index;
                return index;
            }

            safeLength = span.Length - PartialTailLength(span, delimiter);
            return -1;
        }

        return FindMultiSegment(buffer, delimiter, out safeLength);
    }

    private static long FindMultiSegment(in ReadOnlySequence<byte> buffer, ReadOnlySpan<byte> delimiter, out long safeLength)
    {
        byte first = delimiter[0];
        long offset = 0;
        SequencePosition next = buffer.Start;
        while (buffer.TryGet(ref next, out ReadOnlyMemory<byte> memory))
        {
            ReadOnlySpan<byte> segment = memory.Span;
            if (segment.IsEmpty)
            {
                continue;
            }

            int index = segment.IndexOf(delimiter);
            if (index >= 0)
            {
                safeLength = offset + index;
                return offset + index;
            }

            // Candidates that do not fit in this segment: they can only match across the boundary.
            int i = Math.Max(0, segment.Length - delimiter.Length + 1);
            while (i < segment.Length)
            {
                int k = segment[i..].IndexOf(first);
                if (k < 0)
                {
                    break;
                }

                i += k;
                ReadOnlySpan<byte> head = segment[i..];
                if (head.SequenceEqual(delimiter[..head.Length]))
                {
                    Continuation c = MatchContinuation(buffer, next, delimiter[head.Length..]);
                    if (c == Continuation.Full)
                    {
                        safeLength = offset + i;
                        return offset + i;
                    }

                    if (c == Continuation.Partial)
                    {
                        // The buffer ends inside a possible delimiter; nothing after i can match fully either.
                        safeLength = offset + i;
                        return -1;
                    }
                }

                i++;
            }

            offset += segment.Length;
        }

        safeLength = offset;
        return -1;
    }

    private static Continuation MatchContinuation(in ReadOnlySequence<byte> buffer, SequencePosition position, ReadOnlySpan<byte> rest)
    {
        while (!rest.IsEmpty)
        {
            if (position.GetObject() is null || !buffer.TryGet(ref position, out ReadOnlyMemory<byte> memory))
            {
                return Continuation.Partial;
            }

            ReadOnlySpan<byte> segment = memory.Span;
            int n = Math.Min(segment.Length, rest.Length);
            if (!segment[..n].SequenceEqual(rest[..n]))
            {
                return Continuation.Mismatch;
            }

            rest = rest[n..];
        }

        return Continuation.Full;
    }

    /// <summary>Length of the longest proper prefix of <paramref name="delimiter"/> that ends <paramref name="span"/>.</summary>
    internal static int PartialTailLength(ReadOnlySpan<byte> span, ReadOnlySpan<byte> delimiter)
    {
        byte first = delimiter[0];
        int i = Math.Max(0, span.Length - delimiter.Length + 1);
        while (i < span.Length)
        {
            int k = span[i..].IndexOf(first);
            if (k < 0)
            {
                return 0;
            }

            i += k;
            ReadOnlySpan<byte> tail = span[i..];
            if (tail.SequenceEqual(delimiter[..tail.Length]))
            {
                return tail.Length;
            }

            i++;
        }

        return 0;
    }
}
