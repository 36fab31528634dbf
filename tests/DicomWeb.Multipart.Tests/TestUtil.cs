using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace DicomWeb.Multipart.Tests;

internal sealed record TestPart(IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    public static TestPart Of(string? contentType, byte[] body, params (string Name, string Value)[] headers)
    {
        var list = new List<KeyValuePair<string, string>>();
        if (contentType is not null)
        {
            list.Add(new("Content-Type", contentType));
        }

        list.AddRange(headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value)));
        return new TestPart(list, body);
    }
}

internal sealed record ReadPart(IReadOnlyDictionary<string, string> Headers, byte[] Body);

internal static class TestUtil
{
    public static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    /// <summary>Builds a multipart body by hand (independent of the writer under test).</summary>
    public static byte[] BuildBody(
        string boundary,
        IEnumerable<TestPart> parts,
        string preamble = "",
        string epilogue = "",
        bool close = true,
        string padding = "")
    {
        var ms = new MemoryStream();
        void W(string s) => ms.Write(Encoding.ASCII.GetBytes(s));
        W(preamble);
        bool first = true;
        foreach (TestPart part in parts)
        {
            W((first ? string.Empty : "\r\n") + "--" + boundary + padding + "\r\n");
            first = false;
            foreach (KeyValuePair<string, string> h in part.Headers)
            {
                W(h.Key + ": " + h.Value + "\r\n");
            }

            W("\r\n");
            ms.Write(part.Body);
        }

        if (close)
        {
            W((first ? string.Empty : "\r\n") + "--" + boundary + "--" + padding + "\r\n");
            W(epilogue);
        }

        return ms.ToArray();
    }

    /// <summary>A pipe fed with <paramref name="data"/> in the given chunk sizes by a writer task.</summary>
    public static (PipeReader Reader, Task Writer) Feed(byte[] data, IEnumerable<int> chunkSizes, int minimumSegmentSize = 4096)
    {
        var pipe = new Pipe(new PipeOptions(minimumSegmentSize: minimumSegmentSize, pauseWriterThreshold: 256 * 1024, resumeWriterThreshold: 128 * 1024, useSynchronizationContext: false));
        Task writer = Task.Run(async () =>
        {
            int pos = 0;
            using IEnumerator<int> sizes = chunkSizes.GetEnumerator();
            while (pos < data.Length)
            {
                int n = sizes.MoveNext() ? Math.Max(1, sizes.Current) : data.Length - pos;
                n = Math.Min(n, data.Length - pos);
                await pipe.Writer.WriteAsync(data.AsMemory(pos, n));
                pos += n;
            }

            await pipe.Writer.CompleteAsync();
        });
        return (pipe.Reader, writer);
    }

    public static IEnumerable<int> Ones()
    {
        while (true)
        {
            yield return 1;
        }
    }

    public static IEnumerable<int> RandomSizes(int seed, int max)
    {
        var random = new Random(seed);
        while (true)
        {
            yield return random.Next(1, max + 1);
        }
    }

    /// <summary>A sequence made of the given segment lengths (the last segment takes the rest).</summary>
    public static ReadOnlySequence<byte> Segmented(byte[] data, IEnumerable<int> lengths)
    {
        var chunks = new List<byte[]>();
        int pos = 0;
        using IEnumerator<int> e = lengths.GetEnumerator();
        while (pos < data.Length)
        {
            int n = e.MoveNext() ? Math.Min(e.Current, data.Length - pos) : data.Length - pos;
            chunks.Add(data.AsSpan(pos, n).ToArray());
            pos += n;
        }

        if (chunks.Count == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var firstSegment = new Segment(chunks[0], 0);
        Segment last = firstSegment;
        foreach (byte[] chunk in chunks.Skip(1))
        {
            last = last.Append(chunk);
        }

        return new ReadOnlySequence<byte>(firstSegment, 0, last, last.Memory.Length);
    }

    public static async Task<List<ReadPart>> ReadAllAsync(MultipartRelatedReader reader, int readSize = 8192)
    {
        var parts = new List<ReadPart>();
        var buffer = new byte[readSize];
        while (await reader.ReadNextPartAsync() is { } part)
        {
            var ms = new MemoryStream();
            int n;
            while ((n = await part.Body.ReadAsync(buffer)) > 0)
            {
                ms.Write(buffer, 0, n);
            }

            parts.Add(new ReadPart(part.Headers, ms.ToArray()));
        }

        return parts;
    }

    public static void AssertParts(IReadOnlyList<TestPart> expected, IReadOnlyList<ReadPart> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Headers.Count, actual[i].Headers.Count);
            foreach (KeyValuePair<string, string> h in expected[i].Headers)
            {
                Assert.Equal(h.Value, actual[i].Headers[h.Key]);
            }

            Assert.True(expected[i].Body.AsSpan().SequenceEqual(actual[i].Body), $"body of part {i + 1} differs");
        }
    }

    /// <summary>Binary data full of things that look like delimiters.</summary>
    public static byte[] NastyBody(string boundary, int seed, int length)
    {
        var random = new Random(seed);
        var ms = new MemoryStream();
        string[] pieces =
        [
            "--", "\r\n", "\r", "\n", "\r\n-", "\r\n--", "--" + boundary, "\n--" + boundary + "\r\n",
            "\r\n--" + boundary[..(boundary.Length / 2)], "\r\n--" + boundary[..^1], "\r\r\n--" + boundary[..^1] + "\r\n",
            "\r\n\r\n", "-" + boundary + "--",
        ];
        while (ms.Length < length)
        {
            if (random.Next(3) == 0)
            {
                ms.Write(Encoding.ASCII.GetBytes(pieces[random.Next(pieces.Length)]));
            }
            else
            {
                var bytes = new byte[random.Next(1, 20)];
                random.NextBytes(bytes);
                ms.Write(bytes);
            }
        }

        byte[] body = ms.ToArray().AsSpan(0, length).ToArray();

        // A body must not contain the real delimiter: break any that the random pieces formed.
        byte[] delimiter = Encoding.ASCII.GetBytes("\r\n--" + boundary);
        int at;
        while ((at = body.AsSpan().IndexOf(delimiter)) >= 0)
        {
            body[at + 2] = (byte)'x';
        }

        return body;
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
