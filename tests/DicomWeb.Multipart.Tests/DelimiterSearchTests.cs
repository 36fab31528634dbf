using System.Buffers;
using static DicomWeb.Multipart.Tests.TestUtil;

namespace DicomWeb.Multipart.Tests;

public class DelimiterSearchTests
{
    private static long Naive(byte[] data, byte[] delimiter, out long safe)
    {
        int index = data.AsSpan().IndexOf(delimiter);
        if (index >= 0)
        {
            safe = index;
            return index;
        }

        safe = data.Length - DelimiterSearch.PartialTailLength(data, delimiter);
        return -1;
    }

    [Fact]
    public void PartialTail()
    {
        byte[] d = Ascii("\r\n--abc");
        Assert.Equal(0, DelimiterSearch.PartialTailLength(Ascii("xyz"), d));
        Assert.Equal(1, DelimiterSearch.PartialTailLength(Ascii("xyz\r"), d));
        Assert.Equal(4, DelimiterSearch.PartialTailLength(Ascii("xyz\r\n--"), d));
        Assert.Equal(6, DelimiterSearch.PartialTailLength(Ascii("\r\n--ab"), d));
        Assert.Equal(0, DelimiterSearch.PartialTailLength(Ascii("\r\n--ax"), d));
        Assert.Equal(2, DelimiterSearch.PartialTailLength(Ascii("\r\n--ax\r\n"), d));
    }

    [Fact]
    public void AgreesWithNaiveSearchOnAnySegmentation()
    {
        const string boundary = "bnd";
        byte[] delimiter = Ascii("\r\n--" + boundary);
        var random = new Random(5);
        for (int trial = 0; trial < 3000; trial++)
        {
            byte[] data = NastyBody(boundary, trial, random.Next(0, 60));
            if (trial % 3 == 0)
            {
                // Plant a real delimiter somewhere.
                int at = random.Next(0, data.Length + 1);
                data = [.. data.AsSpan(0, at), .. delimiter, .. data.AsSpan(at)];
            }

            long expected = Naive(data, delimiter, out long expectedSafe);
            ReadOnlySequence<byte> sequence = Segmented(data, RandomSizes(trial, 1 + (trial % 9)));
            long actual = DelimiterSearch.Find(sequence, delimiter, out long actualSafe);
            Assert.Equal(expected, actual);
            Assert.Equal(expectedSafe, actualSafe);
        }
    }
}
