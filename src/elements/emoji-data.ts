/**
 * The emoji picker's built-in set: six groups (named by `Translation.emoji.groups`), each
 * entry `emoji,English name,German name`, entries split by `;`, groups by `|`. Kept as one
 * string so it costs little in the bundle; the system font draws the glyphs.
 */
export const EMOJI_DATA =
  '😀,grinning,grinsen;😄,smile,lächeln;😂,tears of joy,Freudentränen;🤣,rolling laughing,vor Lachen kugeln;😊,blush,erröten;😇,angel,Engel;😍,heart eyes,Herzaugen;😘,kiss,Kuss;😉,wink,zwinkern;😜,tongue wink,Zunge zwinkern;😎,cool sunglasses,cool Sonnenbrille;🤗,hug,Umarmung;🤔,thinking,nachdenken;😐,neutral,neutral;🙄,eye roll,Augen rollen;😬,grimace,Grimasse;😅,sweat smile,Schweiß lächeln;🙃,upside down,kopfüber;😴,sleeping,schlafen;😮,surprised,überrascht;🤯,mind blown,umgehauen;😢,crying,weinen;😭,sobbing,schluchzen;🥺,pleading,bitten;😡,angry,wütend;😱,scream,schreien;🤢,sick,übel;😷,mask,Maske;🥳,party,Party' +
  '|👍,thumbs up,Daumen hoch;👎,thumbs down,Daumen runter;👏,clap,klatschen;🙌,raised hands,Hände hoch;🙏,thanks please,danke bitte;👋,wave hello,winken hallo;🤝,handshake,Handschlag;✌️,victory peace,Sieg Frieden;👌,ok,okay;🤞,fingers crossed,Daumen drücken;💪,strong,stark;👀,eyes,Augen;🤷,shrug,Achselzucken;🤦,facepalm,Hand vors Gesicht' +
  '|🐶,dog,Hund;🐱,cat,Katze;🐭,mouse,Maus;🐰,rabbit,Hase;🦊,fox,Fuchs;🐻,bear,Bär;🐼,panda,Panda;🐸,frog,Frosch;🐵,monkey,Affe;🐔,chicken,Huhn;🐧,penguin,Pinguin;🐝,bee,Biene;🦋,butterfly,Schmetterling;🌸,blossom,Blüte;🌹,rose,Rose;🌻,sunflower,Sonnenblume;🌳,tree,Baum;🍀,clover luck,Klee Glück;☀️,sun,Sonne;🌙,moon,Mond;⭐,star,Stern;🌈,rainbow,Regenbogen;☔,rain umbrella,Regenschirm;❄️,snow,Schnee;🔥,fire,Feuer;🌊,wave sea,Welle Meer' +
  '|🍎,apple,Apfel;🍌,banana,Banane;🍓,strawberry,Erdbeere;🍉,watermelon,Wassermelone;🍋,lemon,Zitrone;🥑,avocado,Avocado;🥕,carrot,Karotte;🍞,bread,Brot;🥨,pretzel,Brezel;🧀,cheese,Käse;🍕,pizza,Pizza;🍔,burger,Burger;🍟,fries,Pommes;🍝,pasta,Nudeln;🍣,sushi,Sushi;🍰,cake,Kuchen;🎂,birthday cake,Geburtstagstorte;🍫,chocolate,Schokolade;🍦,ice cream,Eis;☕,coffee,Kaffee;🍵,tea,Tee;🍺,beer,Bier;🍷,wine,Wein;🥂,cheers,Prost' +
  '|⚽,football soccer,Fußball;🏀,basketball,Basketball;🎾,tennis,Tennis;🚴,cycling,Radfahren;🏃,running,laufen;🧗,climbing,klettern;🏊,swimming,schwimmen;🎉,party popper,Konfetti;🎁,gift,Geschenk;🎈,balloon,Luftballon;🎵,music,Musik;🎮,video game,Videospiel;🎬,film,Film;📚,books,Bücher;✈️,plane,Flugzeug;🚗,car,Auto;🚲,bicycle,Fahrrad;🚆,train,Zug;🏠,home,Zuhause;🏖️,beach,Strand;⛰️,mountain,Berg' +
  '|❤️,red heart,rotes Herz;🧡,orange heart,oranges Herz;💛,yellow heart,gelbes Herz;💚,green heart,grünes Herz;💙,blue heart,blaues Herz;💜,purple heart,lila Herz;🖤,black heart,schwarzes Herz;💔,broken heart,gebrochenes Herz;✨,sparkles,Funkeln;💯,hundred,hundert;✅,done check,erledigt Haken;❌,cross no,Kreuz nein;❓,question,Frage;❗,exclamation,Ausrufezeichen;💡,idea,Idee;📷,camera,Kamera;📱,phone,Handy;💻,laptop,Laptop;⏰,alarm clock,Wecker;🔑,key,Schlüssel;💤,sleep zzz,Schlaf;🎯,target,Ziel';

/** One emoji of the set with its names. */
export interface EmojiEntry {
  emoji: string;
  en: string;
  de: string;
}

let parsed: EmojiEntry[][] | undefined;

/** The set as groups of entries (parsed once, the first time the picker opens). */
export function emojiGroups(): EmojiEntry[][] {
  return (parsed ??= EMOJI_DATA.split('|').map((group) =>
    group.split(';').map((entry) => {
      const [emoji = '', en = '', de = ''] = entry.split(',');
      return { emoji, en, de };
    }),
  ));
}
