package dev.celeriac.protocol;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Random JSON-like values for the reader's and writer's differential tests against Jackson. */
final class RandomJson {

  private RandomJson() {}

  static Object value(Random random, int depth) {
    int kind = random.nextInt(depth >= 5 ? 6 : 8);
    switch (kind) {
      case 0:
        return null;
      case 1:
        return random.nextBoolean();
      case 2:
        return string(random);
      case 3:
        switch (random.nextInt(4)) {
          case 0:
            return random.nextInt(2000) - 1000;
          case 1:
            return random.nextInt();
          case 2:
            return random.nextLong();
          default:
            return new BigInteger(64 + random.nextInt(64), random).multiply(BigInteger.valueOf(random.nextBoolean() ? 1 : -1));
        }
      case 4:
        return random.nextBoolean() ? random.nextDouble() * 1000 - 500
            : Double.longBitsToDouble(random.nextLong() & 0x7fefffffffffffffL) * (random.nextBoolean() ? 1 : -1);
      case 5:
        return random.nextInt(3) == 0 ? "" : string(random);
      case 6: {
        List<Object> list = new ArrayList<>();
        for (int i = random.nextInt(5); i > 0; i--) {
          list.add(value(random, depth + 1));
        }
        return list;
      }
      default: {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = random.nextInt(5); i > 0; i--) {
          map.put(string(random), value(random, depth + 1));
        }
        return map;
      }
    }
  }

  static String string(Random random) {
    StringBuilder text = new StringBuilder();
    for (int i = random.nextInt(12); i > 0; i--) {
      switch (random.nextInt(6)) {
        case 0:
          text.append((char) random.nextInt(0x20));
          break;
        case 1:
          text.append("\"\\/".charAt(random.nextInt(3)));
          break;
        case 2:
          text.append((char) (0xa0 + random.nextInt(0xd000)));
          break;
        case 3:
          text.appendCodePoint(0x10000 + random.nextInt(0x10000));
          break;
        default:
          text.append((char) (0x20 + random.nextInt(0x5f)));
      }
    }
    return text.toString();
  }
}
